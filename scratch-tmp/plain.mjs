import http2 from 'node:http2';
const SIZE = Number(process.env.SIZE ?? 2e6);
const body = Buffer.alloc(SIZE, 1);
const srv = http2.createServer({ maxSessionMemory: 1000 }, (req, res) => { req.resume(); req.on('end', () => setTimeout(() => { if (!res.destroyed) res.end(body); }, Number(process.env.DELAY ?? 0))); });
let rstSeen = 0;
srv.on('stream', (st) => st.on('close', () => { if (st.rstCode) rstSeen++; }));
srv.listen(0, async () => {
  const h2 = http2.connect(`http://127.0.0.1:${srv.address().port}`);
  let goaway = null; h2.on('goaway', (c) => (goaway = c)); h2.on('error', () => {});
  let n = 0;
  while (!goaway && !h2.closed && n < 3000) {
    await new Promise((resolve) => {
      const st = h2.request({ ':method': 'POST', ':path': '/' });
      st.on('error', () => {}); st.on('close', resolve);
      st.on('data', () => {});
      st.end('x');
      setTimeout(() => st.close(http2.constants.NGHTTP2_CANCEL), Math.random() * Number(process.env.MS ?? 5));
    });
    n++;
  }
  console.log('size', SIZE, 'calls', n, 'goaway', goaway, 'server saw rst closes', rstSeen);
  h2.destroy(); srv.close();
});

// Browser downloads: a Blob through an object URL and a temporary <a download>.

export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // Revoked on a later task: the click starts the download asynchronously.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

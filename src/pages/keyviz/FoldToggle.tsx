import type { Matrix } from '../../data/matrix.ts';
import type { ViewAction } from './viewState.ts';

interface Props {
  fold: boolean;
  matrix: Matrix | null;
  dispatch: (a: ViewAction) => void;
}

/**
 * Where the server can fold: it said so (key_space_folded), or it is one of ours and said the
 * budget left buckets out (tracked_buckets: a real node sends neither, and our server and
 * gateway both fold). Once on, the toggle stays so it can be switched off again.
 */
export function foldOffered(fold: boolean, m: Matrix | null): boolean {
  if (fold) return true;
  return m !== null && (m.keySpaceFolded === true || (m.trackedBuckets ?? 0) > m.rowCount);
}

/**
 * "Whole key space": asks the server to fold the buckets the row budget leaves out into the
 * rows between the busiest (fold_key_space), so the rows tile every key. The choice is in the
 * URL (`fold=1`; Back undoes it).
 */
export function FoldToggle({ fold, matrix, dispatch }: Props) {
  if (!foldOffered(fold, matrix)) return null;
  const refused = fold && matrix !== null && matrix.keySpaceFolded !== true;
  return (
    <div className="control fold-toggle">
      <label
        title={
          'Fold the buckets the row budget leaves out into one row per stretch of keys ' +
          'between the busiest rows, so the rows cover the whole key space. The busiest ' +
          'rows stay whole; a folded row says how many buckets it holds.'
        }
      >
        <input
          type="checkbox"
          checked={fold}
          data-testid="fold-toggle"
          onChange={(e) => dispatch({ type: 'fold', fold: e.target.checked })}
        />{' '}
        Whole key space
      </label>
      {refused && (
        <span className="muted" data-testid="fold-refused">
          {' '}
          (this server did not fold)
        </span>
      )}
    </div>
  );
}

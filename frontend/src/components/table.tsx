/**
 * The one table of the web app: a labelled, keyboard-scrollable region with
 * column headers. With `rowHeaders`, each row's first cell heads its row (the
 * route, queue or dependency it describes), so screen readers announce it.
 */
import type { ReactNode } from 'react';
import './table.css';

export function Table({
  label,
  head,
  rows,
  rowHeaders = true,
}: {
  label: string;
  head: string[];
  rows: ReactNode[][];
  rowHeaders?: boolean;
}) {
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label={label}>
      <table>
        <thead>
          <tr>
            {head.map((h) => (
              <th key={h} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((cells, i) => (
            <tr key={i}>
              {cells.map((cell, j) =>
                rowHeaders && j === 0 ? (
                  <th key={j} scope="row">
                    {cell}
                  </th>
                ) : (
                  <td key={j}>{cell}</td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

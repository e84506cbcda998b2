/** The recurrent cells rnn-stream runs, named as in the model manifest. */
export const CELL_KINDS = ['rnn_tanh', 'rnn_relu', 'gru', 'lstm'] as const;

/** One of {@link CELL_KINDS}. `rnn_tanh`/`rnn_relu` are torch.nn.RNN with that nonlinearity. */
export type CellKind = (typeof CELL_KINDS)[number];

/** Number of stacked gate blocks in weight_ih/weight_hh: 1 (RNN), 3 (GRU: r,z,n), 4 (LSTM: i,f,g,o). */
export function gateCount(cell: CellKind): number {
  switch (cell) {
    case 'rnn_tanh':
    case 'rnn_relu':
      return 1;
    case 'gru':
      return 3;
    case 'lstm':
      return 4;
  }
}

/** Whether the cell carries a cell state c besides h (LSTM only). */
export function hasCellState(cell: CellKind): boolean {
  return cell === 'lstm';
}

/**
 * Volatility regimes of the synthetic market: a two-state Markov chain per symbol.
 *
 *     calm       --p(calm->turbulent)-->  turbulent
 *     turbulent  --p(turbulent->calm)-->  calm
 *
 * The chain moves once per tick of the symbol, before the tick's price step, so a tick's price
 * change is drawn with the volatility of the regime it is labelled with.
 */

/** Regime names, in index order (0 = calm, 1 = turbulent). */
export const REGIMES = ['calm', 'turbulent'] as const;

/** One regime's name. */
export type Regime = (typeof REGIMES)[number];

/** Index of the calm regime in {@link REGIMES}. */
export const CALM = 0;

/** Index of the turbulent regime in {@link REGIMES}. */
export const TURBULENT = 1;

/** Parameters of one regime. */
export interface RegimeParams {
  /** Annualised volatility of log prices (0.2 = 20% per year). */
  readonly vol: number;
  /** Probability, per tick of a symbol, of leaving this regime for the other one. */
  readonly leaveProbability: number;
  /** Multiplier of the median volume while in this regime (turbulence brings volume). */
  readonly volumeFactor: number;
}

/** Long-run share of ticks spent in each regime: pi_calm = q / (p + q), pi_turb = p / (p + q). */
export function stationaryShares(calm: RegimeParams, turbulent: RegimeParams): readonly [number, number] {
  const p = calm.leaveProbability;
  const q = turbulent.leaveProbability;
  return [q / (p + q), p / (p + q)];
}

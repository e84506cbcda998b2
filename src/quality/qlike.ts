/**
 * QLIKE (Patton 2011): the loss that ranks variance forecasts consistently with a noisy proxy.
 * Of a variance proxy v (r^2) against a forecast variance h: v/h - ln(v/h) - 1, >= 0, 0 exactly
 * when h = v. Shared by training's metrics and loss (train/) and live scoring (quality/).
 *
 *   variance    the forecasts are variances, the targets the proxies r^2 (a forecast <= 0 is
 *               floored like the proxy);
 *   abs_return  the forecasts are of the next ABSOLUTE return yhat, the targets |r|: for normal
 *               returns (E|r| = sqrt(2/pi) sigma) yhat implies h = (pi/2) yhat^2, and the proxy is
 *               the squared target; yhat is floored at {@link QLIKE_ABS_FLOOR}.
 */

/** Floor of the variance proxy inside ln v (a squared log return of 1e-10, far below a tick). */
export const QLIKE_PROXY_FLOOR = 1e-20;

/** Smallest absolute-return forecast QLIKE accepts (below it, this value is used). */
export const QLIKE_ABS_FLOOR = 1e-10;

/** Which QLIKE, if any, a regression target reports (see the file header). */
export type QlikeMode = 'none' | 'variance' | 'abs_return';

/** QLIKE of a variance proxy `v` against a forecast variance `sigma2` (proxy floored inside the ln). */
export function qlike(v: number, sigma2: number): number {
  return v / sigma2 - Math.log(Math.max(v, QLIKE_PROXY_FLOOR) / sigma2) - 1;
}

/** QLIKE of forecast `pred` against target `target` read as `mode` says (not for `none`). */
export function qlikeOf(mode: QlikeMode, pred: number, target: number): number {
  if (mode === 'variance') return qlike(target, Math.max(pred, QLIKE_PROXY_FLOOR));
  const yhat = Math.max(pred, QLIKE_ABS_FLOOR);
  return qlike(target * target, (Math.PI / 2) * yhat * yhat);
}

/** The QLIKE of a target: variance forecasts (a log-variance model, or the r^2 target), absolute-return forecasts, or none. */
export function qlikeMode(target: string, varianceForecast: boolean): QlikeMode {
  if (varianceForecast || target === 'next_sq_logret') return 'variance';
  return target === 'next_abs_logret' ? 'abs_return' : 'none';
}

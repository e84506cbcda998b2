/** Builds LayerParams for cell tests from plain number arrays (row-major, PyTorch gate order). */
import type { LayerParams } from '../../../src/model/model-params.js';

/** One layer's weights; `inSize` is the number of columns of weightIh. */
export function layerParams(
  inSize: number,
  weightIh: number[],
  weightHh: number[],
  biasIh: number[],
  biasHh: number[],
): LayerParams {
  const f32 = (a: number[]) => Float32Array.from(a);
  return { inSize, weightIh: f32(weightIh), weightHh: f32(weightHh), biasIh: f32(biasIh), biasHh: f32(biasHh) };
}

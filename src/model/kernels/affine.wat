;; The affine map of the serving cells (src/model/kernels/affine.ts) in WebAssembly SIMD, with the
;; same arithmetic, so its results are bit for bit those of affine.ts:
;;
;;   out[i] = f32( f64(b[i]) + ((s0 + s1) + (s2 + s3)) ),  s_k = sum over j = k mod 4 of f64(W[i,j]) * f64(x[j])
;;
;; in double precision, the four partial sums in the same order (the lanes of two f64x2
;; accumulators hold s0,s1 and s2,s3; the columns past the last multiple of 4 go to s0), rounded
;; once to float32 when stored (f32.demote_f64 rounds to nearest even, as a Float32Array store).
;; Every operand is float32 in the memory the caller shares: W row-major rows x cols at $w, x at
;; $x, b at $b, out at $out (byte offsets). Assembled by scripts/assemble-kernels.ts.
(module
  (memory (export "memory") 1)
  (func (export "affine") (param $w i32) (param $rows i32) (param $cols i32) (param $x i32) (param $b i32) (param $out i32)
    (local $i i32) (local $j i32) (local $body i32) (local $row i32)
    (local $s01 v128) (local $s23 v128) (local $s0 f64)
    (local.set $body (i32.and (local.get $cols) (i32.const -4)))
    (block $rows_done
      (loop $each_row
        (br_if $rows_done (i32.ge_u (local.get $i) (local.get $rows)))
        (local.set $row (i32.add (local.get $w) (i32.shl (i32.mul (local.get $i) (local.get $cols)) (i32.const 2))))
        (local.set $s01 (v128.const f64x2 0 0))
        (local.set $s23 (v128.const f64x2 0 0))
        (local.set $j (i32.const 0))
        (block $body_done
          (loop $each_four
            (br_if $body_done (i32.ge_u (local.get $j) (local.get $body)))
            (local.set $s01
              (f64x2.add (local.get $s01)
                (f64x2.mul
                  (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2)))))
                  (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 2))))))))
            (local.set $s23
              (f64x2.add (local.get $s23)
                (f64x2.mul
                  (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2)))))
                  (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 2))))))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $each_four)))
        (local.set $s0 (f64x2.extract_lane 0 (local.get $s01)))
        (block $tail_done
          (loop $each_tail
            (br_if $tail_done (i32.ge_u (local.get $j) (local.get $cols)))
            (local.set $s0
              (f64.add (local.get $s0)
                (f64.mul
                  (f64.promote_f32 (f32.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2)))))
                  (f64.promote_f32 (f32.load (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 2))))))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $each_tail)))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
          (f32.demote_f64
            (f64.add
              (f64.promote_f32 (f32.load (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 2)))))
              (f64.add
                (f64.add (local.get $s0) (f64x2.extract_lane 1 (local.get $s01)))
                (f64.add (f64x2.extract_lane 0 (local.get $s23)) (f64x2.extract_lane 1 (local.get $s23)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each_row))))
)

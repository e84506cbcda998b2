;; The affine map of the serving cells (src/model/kernels/affine.ts) in WebAssembly SIMD, with the
;; same arithmetic, so its results are bit for bit those of affine.ts:
;;
;;   out[i] = f32( f64(b[i]) + ((s0 + s1) + (s2 + s3)) ),  s_k = sum over j = k mod 4 of f64(W[i,j]) * f64(x[j])
;;
;; in double precision, the four partial sums in the same order (the lanes of two f64x2
;; accumulators hold s0,s1 and s2,s3; the columns past the last multiple of 4 go to s0), rounded
;; once to float32 when stored (f32.demote_f64 rounds to nearest even, as a Float32Array store).
;; Rows go four at a time (then one at a time for the last rows), each with its own sums.
;; Every operand is float32 in the memory the caller shares: W row-major rows x cols at $w, x at
;; $x, b at $b, out at $out (byte offsets). Assembled by scripts/assemble-kernels.ts.
(module
  (memory (export "memory") 1)
  (func (export "affine") (param $w i32) (param $rows i32) (param $cols i32) (param $x i32) (param $b i32) (param $out i32)
    (local $i i32) (local $j i32) (local $body i32) (local $row i32)
    (local $s01 v128) (local $s23 v128) (local $s0 f64)
    (local $stride i32) (local $quads i32) (local $p i32) (local $p1 i32) (local $p2 i32) (local $p3 i32)
    (local $x01 v128) (local $x23 v128) (local $xj f64)
    (local $a01 v128) (local $a23 v128) (local $sa f64)
    (local $b01 v128) (local $b23 v128) (local $sb f64)
    (local $c01 v128) (local $c23 v128) (local $sc f64)
    (local $d01 v128) (local $d23 v128) (local $sd f64)
    (local.set $body (i32.and (local.get $cols) (i32.const -4)))
    (local.set $stride (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $quads (i32.and (local.get $rows) (i32.const -4)))
    ;; Four rows at a time: their sums are independent dependency chains the CPU overlaps, and each
    ;; x block is loaded once for the four. Each row's arithmetic is the single-row loop's below.
    (block $quads_done
      (loop $each_quad
        (br_if $quads_done (i32.ge_u (local.get $i) (local.get $quads)))
        (local.set $row (i32.add (local.get $w) (i32.mul (local.get $i) (local.get $stride))))
        (local.set $a01 (v128.const f64x2 0 0))
        (local.set $a23 (v128.const f64x2 0 0))
        (local.set $b01 (v128.const f64x2 0 0))
        (local.set $b23 (v128.const f64x2 0 0))
        (local.set $c01 (v128.const f64x2 0 0))
        (local.set $c23 (v128.const f64x2 0 0))
        (local.set $d01 (v128.const f64x2 0 0))
        (local.set $d23 (v128.const f64x2 0 0))
        (local.set $j (i32.const 0))
        (block $body4_done
          (loop $each_four4
            (br_if $body4_done (i32.ge_u (local.get $j) (local.get $body)))
            (local.set $x01 (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 2))))))
            (local.set $x23 (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 2))))))
            (local.set $p (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $p1 (i32.add (local.get $p) (local.get $stride)))
            (local.set $p2 (i32.add (local.get $p1) (local.get $stride)))
            (local.set $p3 (i32.add (local.get $p2) (local.get $stride)))
            (local.set $a01
              (f64x2.add (local.get $a01)
                (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $p))) (local.get $x01))))
            (local.set $a23
              (f64x2.add (local.get $a23)
                (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (local.get $p))) (local.get $x23))))
            (local.set $b01
              (f64x2.add (local.get $b01)
                (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $p1))) (local.get $x01))))
            (local.set $b23
              (f64x2.add (local.get $b23)
                (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (local.get $p1))) (local.get $x23))))
            (local.set $c01
              (f64x2.add (local.get $c01)
                (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $p2))) (local.get $x01))))
            (local.set $c23
              (f64x2.add (local.get $c23)
                (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (local.get $p2))) (local.get $x23))))
            (local.set $d01
              (f64x2.add (local.get $d01)
                (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $p3))) (local.get $x01))))
            (local.set $d23
              (f64x2.add (local.get $d23)
                (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (local.get $p3))) (local.get $x23))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $each_four4)))
        (local.set $sa (f64x2.extract_lane 0 (local.get $a01)))
        (local.set $sb (f64x2.extract_lane 0 (local.get $b01)))
        (local.set $sc (f64x2.extract_lane 0 (local.get $c01)))
        (local.set $sd (f64x2.extract_lane 0 (local.get $d01)))
        (block $tail4_done
          (loop $each_tail4
            (br_if $tail4_done (i32.ge_u (local.get $j) (local.get $cols)))
            (local.set $xj (f64.promote_f32 (f32.load (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 2))))))
            (local.set $p (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $p1 (i32.add (local.get $p) (local.get $stride)))
            (local.set $p2 (i32.add (local.get $p1) (local.get $stride)))
            (local.set $p3 (i32.add (local.get $p2) (local.get $stride)))
            (local.set $sa
              (f64.add (local.get $sa) (f64.mul (f64.promote_f32 (f32.load (local.get $p))) (local.get $xj))))
            (local.set $sb
              (f64.add (local.get $sb) (f64.mul (f64.promote_f32 (f32.load (local.get $p1))) (local.get $xj))))
            (local.set $sc
              (f64.add (local.get $sc) (f64.mul (f64.promote_f32 (f32.load (local.get $p2))) (local.get $xj))))
            (local.set $sd
              (f64.add (local.get $sd) (f64.mul (f64.promote_f32 (f32.load (local.get $p3))) (local.get $xj))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $each_tail4)))
        (f32.store offset=0 (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
          (f32.demote_f64
            (f64.add
              (f64.promote_f32 (f32.load offset=0 (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 2)))))
              (f64.add
                (f64.add (local.get $sa) (f64x2.extract_lane 1 (local.get $a01)))
                (f64.add (f64x2.extract_lane 0 (local.get $a23)) (f64x2.extract_lane 1 (local.get $a23)))))))
        (f32.store offset=4 (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
          (f32.demote_f64
            (f64.add
              (f64.promote_f32 (f32.load offset=4 (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 2)))))
              (f64.add
                (f64.add (local.get $sb) (f64x2.extract_lane 1 (local.get $b01)))
                (f64.add (f64x2.extract_lane 0 (local.get $b23)) (f64x2.extract_lane 1 (local.get $b23)))))))
        (f32.store offset=8 (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
          (f32.demote_f64
            (f64.add
              (f64.promote_f32 (f32.load offset=8 (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 2)))))
              (f64.add
                (f64.add (local.get $sc) (f64x2.extract_lane 1 (local.get $c01)))
                (f64.add (f64x2.extract_lane 0 (local.get $c23)) (f64x2.extract_lane 1 (local.get $c23)))))))
        (f32.store offset=12 (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
          (f32.demote_f64
            (f64.add
              (f64.promote_f32 (f32.load offset=12 (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 2)))))
              (f64.add
                (f64.add (local.get $sd) (f64x2.extract_lane 1 (local.get $d01)))
                (f64.add (f64x2.extract_lane 0 (local.get $d23)) (f64x2.extract_lane 1 (local.get $d23)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $each_quad)))
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

;; Matrix kernels of the batched training passes (float64, WebAssembly SIMD: two doubles per
;; f64x2 vector). Assembled by scripts/assemble-kernels.ts into matrix-kernels-wasm.ts; the
;; typed wrappers are gemm-nn.ts, gemm-tn.ts, column-sums.ts and sparse-*.ts (kernel-memory.ts
;; owns the memory).
;;
;; Every matrix is row-major float64 in the imported memory, addressed by byte offset; a bias
;; offset of 0 means "no bias" (kernel-memory.ts never places an array at 0). The vector paths
;; compute 4 x 4 output tiles in 8 f64x2 accumulators: per step of the inner sum, two vector
;; loads of the row-major operand, four broadcast loads of the other, 8 multiplies and 8 adds.
;; Each output element is summed in order of the inner index from zero, with separate multiply
;; and add (no fused multiply-add), so the vector and scalar paths round alike and the result
;; does not depend on the tiling. Column counts not multiple of 4 and row counts not multiple of
;; 4 take scalar / single-row paths.
(module
  (import "env" "memory" (memory 1))

  ;; Σ_t mem[pa + t·sa] · mem[pb + t·sb] for t < count, in order (sa, sb: byte strides).
  (func $dot (param $pa i32) (param $sa i32) (param $pb i32) (param $sb i32) (param $count i32) (result f64)
    (local $s f64)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $count)))
        (local.set $s (f64.add (local.get $s) (f64.mul (f64.load (local.get $pa)) (f64.load (local.get $pb)))))
        (local.set $pa (i32.add (local.get $pa) (local.get $sa)))
        (local.set $pb (i32.add (local.get $pb) (local.get $sb)))
        (local.set $count (i32.sub (local.get $count) (i32.const 1)))
        (br $next)))
    (local.get $s))

  ;; Four consecutive doubles at pc become (acc ? them : 0) + (s + bias), s = (s0, s1).
  (func $put4 (param $pc i32) (param $s0 v128) (param $s1 v128) (param $bv0 v128) (param $bv1 v128) (param $acc i32)
    (local.set $s0 (f64x2.add (local.get $s0) (local.get $bv0)))
    (local.set $s1 (f64x2.add (local.get $s1) (local.get $bv1)))
    (if (local.get $acc)
      (then
        (local.set $s0 (f64x2.add (v128.load (local.get $pc)) (local.get $s0)))
        (local.set $s1 (f64x2.add (v128.load offset=16 (local.get $pc)) (local.get $s1)))))
    (v128.store (local.get $pc) (local.get $s0))
    (v128.store offset=16 (local.get $pc) (local.get $s1)))

  ;; Four consecutive doubles at pc += (s0, s1).
  (func $add4 (param $pc i32) (param $s0 v128) (param $s1 v128)
    (v128.store (local.get $pc) (f64x2.add (v128.load (local.get $pc)) (local.get $s0)))
    (v128.store offset=16 (local.get $pc) (f64x2.add (v128.load offset=16 (local.get $pc)) (local.get $s1))))

  ;; C = (acc ? C : 0) + (A·B + bias): A is m x k, B is k x n, C is m x n, bias n (0: none).
  ;;   C[i, j] = (acc ? C[i, j] : 0) + ((Σ_t A[i, t] · B[t, j]) + bias[j])
  (func (export "gemm_nn")
    (param $a i32) (param $m i32) (param $k i32) (param $b i32) (param $n i32)
    (param $bias i32) (param $c i32) (param $acc i32)
    (local $sa i32) (local $sb i32) (local $m4 i32) (local $n4 i32)
    (local $i i32) (local $j i32) (local $t i32)
    (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32) (local $pb i32) (local $pc i32)
    (local $b0 v128) (local $b1 v128) (local $x v128) (local $bv0 v128) (local $bv1 v128)
    (local $s00 v128) (local $s01 v128) (local $s10 v128) (local $s11 v128)
    (local $s20 v128) (local $s21 v128) (local $s30 v128) (local $s31 v128)
    (local $s f64)
    (local.set $sa (i32.shl (local.get $k) (i32.const 3)))
    (local.set $sb (i32.shl (local.get $n) (i32.const 3)))
    (local.set $m4 (i32.and (local.get $m) (i32.const -4)))
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    ;; Columns j .. j+3, every row: 4-row tiles, then single rows.
    (local.set $j (i32.const 0))
    (block $cols_done
      (loop $cols
        (br_if $cols_done (i32.ge_u (local.get $j) (local.get $n4)))
        (if (local.get $bias)
          (then
            (local.set $bv0 (v128.load (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 3)))))
            (local.set $bv1 (v128.load offset=16 (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 3))))))
          (else
            (local.set $bv0 (v128.const f64x2 0 0))
            (local.set $bv1 (v128.const f64x2 0 0))))
        (local.set $i (i32.const 0))
        (block $tiles_done
          (loop $tiles
            (br_if $tiles_done (i32.ge_u (local.get $i) (local.get $m4)))
            (local.set $p0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $sa))))
            (local.set $p1 (i32.add (local.get $p0) (local.get $sa)))
            (local.set $p2 (i32.add (local.get $p1) (local.get $sa)))
            (local.set $p3 (i32.add (local.get $p2) (local.get $sa)))
            (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3))))
            (local.set $s00 (v128.const f64x2 0 0)) (local.set $s01 (v128.const f64x2 0 0))
            (local.set $s10 (v128.const f64x2 0 0)) (local.set $s11 (v128.const f64x2 0 0))
            (local.set $s20 (v128.const f64x2 0 0)) (local.set $s21 (v128.const f64x2 0 0))
            (local.set $s30 (v128.const f64x2 0 0)) (local.set $s31 (v128.const f64x2 0 0))
            (local.set $t (local.get $k))
            (block $sum_done
              (loop $sum
                (br_if $sum_done (i32.eqz (local.get $t)))
                (local.set $b0 (v128.load (local.get $pb)))
                (local.set $b1 (v128.load offset=16 (local.get $pb)))
                (local.set $x (v128.load64_splat (local.get $p0)))
                (local.set $s00 (f64x2.add (local.get $s00) (f64x2.mul (local.get $x) (local.get $b0))))
                (local.set $s01 (f64x2.add (local.get $s01) (f64x2.mul (local.get $x) (local.get $b1))))
                (local.set $x (v128.load64_splat (local.get $p1)))
                (local.set $s10 (f64x2.add (local.get $s10) (f64x2.mul (local.get $x) (local.get $b0))))
                (local.set $s11 (f64x2.add (local.get $s11) (f64x2.mul (local.get $x) (local.get $b1))))
                (local.set $x (v128.load64_splat (local.get $p2)))
                (local.set $s20 (f64x2.add (local.get $s20) (f64x2.mul (local.get $x) (local.get $b0))))
                (local.set $s21 (f64x2.add (local.get $s21) (f64x2.mul (local.get $x) (local.get $b1))))
                (local.set $x (v128.load64_splat (local.get $p3)))
                (local.set $s30 (f64x2.add (local.get $s30) (f64x2.mul (local.get $x) (local.get $b0))))
                (local.set $s31 (f64x2.add (local.get $s31) (f64x2.mul (local.get $x) (local.get $b1))))
                (local.set $p0 (i32.add (local.get $p0) (i32.const 8)))
                (local.set $p1 (i32.add (local.get $p1) (i32.const 8)))
                (local.set $p2 (i32.add (local.get $p2) (i32.const 8)))
                (local.set $p3 (i32.add (local.get $p3) (i32.const 8)))
                (local.set $pb (i32.add (local.get $pb) (local.get $sb)))
                (local.set $t (i32.sub (local.get $t) (i32.const 1)))
                (br $sum)))
            (local.set $pc (i32.add (local.get $c) (i32.add (i32.mul (local.get $i) (local.get $sb)) (i32.shl (local.get $j) (i32.const 3)))))
            (call $put4 (local.get $pc) (local.get $s00) (local.get $s01) (local.get $bv0) (local.get $bv1) (local.get $acc))
            (local.set $pc (i32.add (local.get $pc) (local.get $sb)))
            (call $put4 (local.get $pc) (local.get $s10) (local.get $s11) (local.get $bv0) (local.get $bv1) (local.get $acc))
            (local.set $pc (i32.add (local.get $pc) (local.get $sb)))
            (call $put4 (local.get $pc) (local.get $s20) (local.get $s21) (local.get $bv0) (local.get $bv1) (local.get $acc))
            (local.set $pc (i32.add (local.get $pc) (local.get $sb)))
            (call $put4 (local.get $pc) (local.get $s30) (local.get $s31) (local.get $bv0) (local.get $bv1) (local.get $acc))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $tiles)))
        (block $rows_done
          (loop $rows
            (br_if $rows_done (i32.ge_u (local.get $i) (local.get $m)))
            (local.set $p0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $sa))))
            (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3))))
            (local.set $s00 (v128.const f64x2 0 0)) (local.set $s01 (v128.const f64x2 0 0))
            (local.set $t (local.get $k))
            (block $sum_done
              (loop $sum
                (br_if $sum_done (i32.eqz (local.get $t)))
                (local.set $x (v128.load64_splat (local.get $p0)))
                (local.set $s00 (f64x2.add (local.get $s00) (f64x2.mul (local.get $x) (v128.load (local.get $pb)))))
                (local.set $s01 (f64x2.add (local.get $s01) (f64x2.mul (local.get $x) (v128.load offset=16 (local.get $pb)))))
                (local.set $p0 (i32.add (local.get $p0) (i32.const 8)))
                (local.set $pb (i32.add (local.get $pb) (local.get $sb)))
                (local.set $t (i32.sub (local.get $t) (i32.const 1)))
                (br $sum)))
            (call $put4
              (i32.add (local.get $c) (i32.add (i32.mul (local.get $i) (local.get $sb)) (i32.shl (local.get $j) (i32.const 3))))
              (local.get $s00) (local.get $s01) (local.get $bv0) (local.get $bv1) (local.get $acc))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $rows)))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $cols)))
    ;; Columns n4 .. n-1, one element at a time.
    (block $tail_done
      (loop $tail
        (br_if $tail_done (i32.ge_u (local.get $j) (local.get $n)))
        (local.set $i (i32.const 0))
        (block $el_done
          (loop $el
            (br_if $el_done (i32.ge_u (local.get $i) (local.get $m)))
            (local.set $s
              (call $dot
                (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $sa))) (i32.const 8)
                (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3))) (local.get $sb)
                (local.get $k)))
            (if (local.get $bias)
              (then (local.set $s (f64.add (local.get $s) (f64.load (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 3))))))))
            (local.set $pc (i32.add (local.get $c) (i32.add (i32.mul (local.get $i) (local.get $sb)) (i32.shl (local.get $j) (i32.const 3)))))
            (if (local.get $acc)
              (then (local.set $s (f64.add (f64.load (local.get $pc)) (local.get $s)))))
            (f64.store (local.get $pc) (local.get $s))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $el)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $tail))))

  ;; C += Aᵀ·B: A is m x r, B is m x n, C is r x n.
  ;;   C[i, j] += Σ_t A[t, i] · B[t, j]
  ;; The rows t run in blocks of 64 (what the tiles of one block read stays in cache); each
  ;; block's sum (from zero, in order of t) is added to C.
  (func (export "gemm_tn")
    (param $a i32) (param $m i32) (param $r i32) (param $b i32) (param $n i32) (param $c i32)
    (local $sa i32) (local $sb i32) (local $r4 i32) (local $n4 i32)
    (local $t0 i32) (local $len i32) (local $i i32) (local $j i32) (local $t i32) (local $q i32)
    (local $pa i32) (local $pb i32) (local $pc i32)
    (local $b0 v128) (local $b1 v128) (local $x v128)
    (local $s00 v128) (local $s01 v128) (local $s10 v128) (local $s11 v128)
    (local $s20 v128) (local $s21 v128) (local $s30 v128) (local $s31 v128)
    (local.set $sa (i32.shl (local.get $r) (i32.const 3)))
    (local.set $sb (i32.shl (local.get $n) (i32.const 3)))
    (local.set $r4 (i32.and (local.get $r) (i32.const -4)))
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (local.set $t0 (i32.const 0))
    (block $blocks_done
      (loop $blocks
        (br_if $blocks_done (i32.ge_u (local.get $t0) (local.get $m)))
        (local.set $len (i32.sub (local.get $m) (local.get $t0)))
        (if (i32.gt_u (local.get $len) (i32.const 64)) (then (local.set $len (i32.const 64))))
        ;; Rows i .. i+3 of C: 4 x 4 tiles, then the columns left one at a time.
        (local.set $i (i32.const 0))
        (block $rows_done
          (loop $rows
            (br_if $rows_done (i32.ge_u (local.get $i) (local.get $r4)))
            (local.set $j (i32.const 0))
            (block $tiles_done
              (loop $tiles
                (br_if $tiles_done (i32.ge_u (local.get $j) (local.get $n4)))
                (local.set $pa (i32.add (local.get $a) (i32.add (i32.mul (local.get $t0) (local.get $sa)) (i32.shl (local.get $i) (i32.const 3)))))
                (local.set $pb (i32.add (local.get $b) (i32.add (i32.mul (local.get $t0) (local.get $sb)) (i32.shl (local.get $j) (i32.const 3)))))
                (local.set $s00 (v128.const f64x2 0 0)) (local.set $s01 (v128.const f64x2 0 0))
                (local.set $s10 (v128.const f64x2 0 0)) (local.set $s11 (v128.const f64x2 0 0))
                (local.set $s20 (v128.const f64x2 0 0)) (local.set $s21 (v128.const f64x2 0 0))
                (local.set $s30 (v128.const f64x2 0 0)) (local.set $s31 (v128.const f64x2 0 0))
                (local.set $t (local.get $len))
                (block $sum_done
                  (loop $sum
                    (br_if $sum_done (i32.eqz (local.get $t)))
                    (local.set $b0 (v128.load (local.get $pb)))
                    (local.set $b1 (v128.load offset=16 (local.get $pb)))
                    (local.set $x (v128.load64_splat (local.get $pa)))
                    (local.set $s00 (f64x2.add (local.get $s00) (f64x2.mul (local.get $x) (local.get $b0))))
                    (local.set $s01 (f64x2.add (local.get $s01) (f64x2.mul (local.get $x) (local.get $b1))))
                    (local.set $x (v128.load64_splat offset=8 (local.get $pa)))
                    (local.set $s10 (f64x2.add (local.get $s10) (f64x2.mul (local.get $x) (local.get $b0))))
                    (local.set $s11 (f64x2.add (local.get $s11) (f64x2.mul (local.get $x) (local.get $b1))))
                    (local.set $x (v128.load64_splat offset=16 (local.get $pa)))
                    (local.set $s20 (f64x2.add (local.get $s20) (f64x2.mul (local.get $x) (local.get $b0))))
                    (local.set $s21 (f64x2.add (local.get $s21) (f64x2.mul (local.get $x) (local.get $b1))))
                    (local.set $x (v128.load64_splat offset=24 (local.get $pa)))
                    (local.set $s30 (f64x2.add (local.get $s30) (f64x2.mul (local.get $x) (local.get $b0))))
                    (local.set $s31 (f64x2.add (local.get $s31) (f64x2.mul (local.get $x) (local.get $b1))))
                    (local.set $pa (i32.add (local.get $pa) (local.get $sa)))
                    (local.set $pb (i32.add (local.get $pb) (local.get $sb)))
                    (local.set $t (i32.sub (local.get $t) (i32.const 1)))
                    (br $sum)))
                (local.set $pc (i32.add (local.get $c) (i32.add (i32.mul (local.get $i) (local.get $sb)) (i32.shl (local.get $j) (i32.const 3)))))
                (call $add4 (local.get $pc) (local.get $s00) (local.get $s01))
                (local.set $pc (i32.add (local.get $pc) (local.get $sb)))
                (call $add4 (local.get $pc) (local.get $s10) (local.get $s11))
                (local.set $pc (i32.add (local.get $pc) (local.get $sb)))
                (call $add4 (local.get $pc) (local.get $s20) (local.get $s21))
                (local.set $pc (i32.add (local.get $pc) (local.get $sb)))
                (call $add4 (local.get $pc) (local.get $s30) (local.get $s31))
                (local.set $j (i32.add (local.get $j) (i32.const 4)))
                (br $tiles)))
            (block $cols_done
              (loop $cols
                (br_if $cols_done (i32.ge_u (local.get $j) (local.get $n)))
                (local.set $q (i32.const 0))
                (block $quad_done
                  (loop $quad
                    (br_if $quad_done (i32.eq (local.get $q) (i32.const 4)))
                    (call $accumulate (local.get $a) (local.get $sa) (local.get $b) (local.get $sb) (local.get $c)
                      (local.get $t0) (local.get $len) (i32.add (local.get $i) (local.get $q)) (local.get $j))
                    (local.set $q (i32.add (local.get $q) (i32.const 1)))
                    (br $quad)))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $cols)))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $rows)))
        ;; Rows r4 .. r-1 of C, one element at a time.
        (block $last_done
          (loop $last
            (br_if $last_done (i32.ge_u (local.get $i) (local.get $r)))
            (local.set $j (i32.const 0))
            (block $el_done
              (loop $el
                (br_if $el_done (i32.ge_u (local.get $j) (local.get $n)))
                (call $accumulate (local.get $a) (local.get $sa) (local.get $b) (local.get $sb) (local.get $c)
                  (local.get $t0) (local.get $len) (local.get $i) (local.get $j))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $el)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $last)))
        (local.set $t0 (i32.add (local.get $t0) (local.get $len)))
        (br $blocks))))

  ;; One element of gemm_tn's block: C[i, j] += Σ_{t0 <= t < t0+len} A[t, i] · B[t, j] (sa, sb:
  ;; byte strides of the rows of A and B, sb also of C).
  (func $accumulate (param $a i32) (param $sa i32) (param $b i32) (param $sb i32) (param $c i32)
    (param $t0 i32) (param $len i32) (param $i i32) (param $j i32)
    (local $pc i32)
    (local.set $pc (i32.add (local.get $c) (i32.add (i32.mul (local.get $i) (local.get $sb)) (i32.shl (local.get $j) (i32.const 3)))))
    (f64.store (local.get $pc)
      (f64.add (f64.load (local.get $pc))
        (call $dot
          (i32.add (local.get $a) (i32.add (i32.mul (local.get $t0) (local.get $sa)) (i32.shl (local.get $i) (i32.const 3)))) (local.get $sa)
          (i32.add (local.get $b) (i32.add (i32.mul (local.get $t0) (local.get $sb)) (i32.shl (local.get $j) (i32.const 3)))) (local.get $sb)
          (local.get $len)))))

  ;; out[j] += Σ_i A[i, j] for the m x n matrix A (the bias gradient of a product over rows).
  ;; Two columns per vector; the sum of a column runs from zero in order of i, then adds to out.
  (func (export "column_sums") (param $a i32) (param $m i32) (param $n i32) (param $out i32)
    (local $sa i32) (local $n2 i32) (local $j i32) (local $i i32) (local $p i32) (local $po i32)
    (local $s v128) (local $x f64)
    (local.set $sa (i32.shl (local.get $n) (i32.const 3)))
    (local.set $n2 (i32.and (local.get $n) (i32.const -2)))
    (local.set $j (i32.const 0))
    (block $pairs_done
      (loop $pairs
        (br_if $pairs_done (i32.ge_u (local.get $j) (local.get $n2)))
        (local.set $p (i32.add (local.get $a) (i32.shl (local.get $j) (i32.const 3))))
        (local.set $s (v128.const f64x2 0 0))
        (local.set $i (local.get $m))
        (block $sum_done
          (loop $sum
            (br_if $sum_done (i32.eqz (local.get $i)))
            (local.set $s (f64x2.add (local.get $s) (v128.load (local.get $p))))
            (local.set $p (i32.add (local.get $p) (local.get $sa)))
            (local.set $i (i32.sub (local.get $i) (i32.const 1)))
            (br $sum)))
        (local.set $po (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 3))))
        (v128.store (local.get $po) (f64x2.add (v128.load (local.get $po)) (local.get $s)))
        (local.set $j (i32.add (local.get $j) (i32.const 2)))
        (br $pairs)))
    (if (i32.lt_u (local.get $j) (local.get $n))
      (then
        (local.set $p (i32.add (local.get $a) (i32.shl (local.get $j) (i32.const 3))))
        (local.set $po (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 3))))
        (local.set $x (f64.const 0))
        (local.set $i (local.get $m))
        (block $col_done
          (loop $col
            (br_if $col_done (i32.eqz (local.get $i)))
            (local.set $x (f64.add (local.get $x) (f64.load (local.get $p))))
            (local.set $p (i32.add (local.get $p) (local.get $sa)))
            (local.set $i (i32.sub (local.get $i) (i32.const 1)))
            (br $col)))
        (f64.store (local.get $po) (f64.add (f64.load (local.get $po)) (local.get $x))))))

  ;; c[j] += v · x[j] for j < n, in order (pc, px: byte offsets of c[0] and x[0]).
  (func $axpy (param $pc i32) (param $px i32) (param $v f64) (param $n i32)
    (local $vv v128) (local $end i32) (local $pairs i32)
    (local.set $vv (f64x2.splat (local.get $v)))
    (local.set $end (i32.add (local.get $pc) (i32.shl (local.get $n) (i32.const 3))))
    (local.set $pairs (i32.add (local.get $pc) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3))))
    (block $pairs_done
      (loop $pair
        (br_if $pairs_done (i32.ge_u (local.get $pc) (local.get $pairs)))
        (v128.store (local.get $pc) (f64x2.add (v128.load (local.get $pc)) (f64x2.mul (local.get $vv) (v128.load (local.get $px)))))
        (local.set $pc (i32.add (local.get $pc) (i32.const 16)))
        (local.set $px (i32.add (local.get $px) (i32.const 16)))
        (br $pair)))
    (if (i32.lt_u (local.get $pc) (local.get $end))
      (then (f64.store (local.get $pc) (f64.add (f64.load (local.get $pc)) (f64.mul (local.get $v) (f64.load (local.get $px))))))))

  ;; C = bias + A·B skipping the zeros of A: A is m x k (mostly zeros, e.g. one-hot), B is k x n,
  ;; C is m x n, bias n. Row i of C starts as bias and adds A[i, t] · (row t of B) for each
  ;; non-zero A[i, t] in order of t.
  (func (export "sparse_rows_times")
    (param $a i32) (param $m i32) (param $k i32) (param $b i32) (param $n i32) (param $bias i32) (param $c i32)
    (local $sb i32) (local $t i32) (local $pa i32) (local $v f64)
    (local.set $sb (i32.shl (local.get $n) (i32.const 3)))
    (block $rows_done
      (loop $row
        (br_if $rows_done (i32.eqz (local.get $m)))
        (memory.copy (local.get $c) (local.get $bias) (local.get $sb))
        (local.set $t (i32.const 0))
        (block $cols_done
          (loop $col
            (br_if $cols_done (i32.ge_u (local.get $t) (local.get $k)))
            (local.set $v (f64.load (i32.add (local.get $a) (i32.shl (local.get $t) (i32.const 3)))))
            (if (f64.ne (local.get $v) (f64.const 0))
              (then (call $axpy (local.get $c) (i32.add (local.get $b) (i32.mul (local.get $t) (local.get $sb))) (local.get $v) (local.get $n))))
            (local.set $t (i32.add (local.get $t) (i32.const 1)))
            (br $col)))
        (local.set $a (i32.add (local.get $a) (i32.shl (local.get $k) (i32.const 3))))
        (local.set $c (i32.add (local.get $c) (local.get $sb)))
        (local.set $m (i32.sub (local.get $m) (i32.const 1)))
        (br $row))))

  ;; OutT += Aᵀ·D skipping the zeros of A: A is m x k (mostly zeros), D is m x n, OutT is k x n
  ;; (a weight gradient kept transposed). For each row i in order and each non-zero A[i, t] in
  ;; order of t, row t of OutT adds A[i, t] · (row i of D).
  (func (export "sparse_transpose_accumulate")
    (param $a i32) (param $m i32) (param $k i32) (param $d i32) (param $n i32) (param $out i32)
    (local $sd i32) (local $t i32) (local $v f64)
    (local.set $sd (i32.shl (local.get $n) (i32.const 3)))
    (block $rows_done
      (loop $row
        (br_if $rows_done (i32.eqz (local.get $m)))
        (local.set $t (i32.const 0))
        (block $cols_done
          (loop $col
            (br_if $cols_done (i32.ge_u (local.get $t) (local.get $k)))
            (local.set $v (f64.load (i32.add (local.get $a) (i32.shl (local.get $t) (i32.const 3)))))
            (if (f64.ne (local.get $v) (f64.const 0))
              (then (call $axpy (i32.add (local.get $out) (i32.mul (local.get $t) (local.get $sd))) (local.get $d) (local.get $v) (local.get $n))))
            (local.set $t (i32.add (local.get $t) (i32.const 1)))
            (br $col)))
        (local.set $a (i32.add (local.get $a) (i32.shl (local.get $k) (i32.const 3))))
        (local.set $d (i32.add (local.get $d) (local.get $sd)))
        (local.set $m (i32.sub (local.get $m) (i32.const 1)))
        (br $row)))))

;; GRU and LSTM cell steps of the batched training passes (float64, WebAssembly SIMD: two
;; doubles per f64x2 vector), over the packed rows of one step. The equations, gate orders (GRU
;; r, z, n; LSTM i, f, g, o) and array layouts are those of cells/gru-*.ts and cells/lstm-*.ts,
;; which call these. Assembled by scripts/assemble-kernels.ts into cell-kernels-wasm.ts.
;;
;; σ and tanh come from one e^y - 1 ($expm1) instead of the C library's exp and tanh:
;;   σ(a) = 1 / (2 + expm1(-a)),   tanh(x) = sign(x) · -m / (m + 2) with m = expm1(-2|x|)
;; both within a few units in the last place of the exact value, including near zero (no
;; cancellation: expm1 is computed without forming e^y first); σ(a) for a in (-709.79, -709.43]
;; (values below 1.5e-308) is off by up to a factor 1.4, a consequence of the clamp in $expm1.
;; Everything else is the arithmetic of the cells' TypeScript headers in the order written
;; there. Columns go two at a time; an odd last column is computed in both lanes of a vector and
;; one lane stored.
(module
  (import "env" "memory" (memory 1))

  ;; e^y - 1 per lane: y is clamped to [-708, 709.43] (NaN stays NaN; above 709.78, where e^y
  ;; overflows, the result is +inf), y = k·ln2 + r with k an integer (Cody-Waite: ln2 as a high
  ;; part whose products with k are exact plus a low part), |r| <= ln2/2, e^r - 1 = r·P(r) with
  ;; P the Taylor series to r^12/13! (truncation below 1e-17 relative), and
  ;; e^y - 1 = 2^k·(e^r - 1) + (2^k - 1), exact in the 2^k - 1 part for k = 0. k is rounded to
  ;; nearest by adding 1.5·2^52 (whose low mantissa bits then hold k), and 2^k is built from
  ;; those bits: ((bits + 1023) << 52) keeps exactly the exponent field k + 1023.
  (func $expm1 (param $y v128) (result v128)
    (local $t v128) (local $k v128) (local $r v128) (local $p v128) (local $s v128) (local $over v128)
    (local.set $over (f64x2.gt (local.get $y) (v128.const f64x2 709.782712893384 709.782712893384)))
    (local.set $y (f64x2.min (f64x2.max (local.get $y) (v128.const f64x2 -708 -708)) (v128.const f64x2 709.43 709.43)))
    (local.set $t (f64x2.add (f64x2.mul (local.get $y) (v128.const f64x2 1.4426950408889634 1.4426950408889634))
      (v128.const f64x2 6755399441055744 6755399441055744)))
    (local.set $k (f64x2.sub (local.get $t) (v128.const f64x2 6755399441055744 6755399441055744)))
    (local.set $r
      (f64x2.sub
        (f64x2.sub (local.get $y) (f64x2.mul (local.get $k) (v128.const f64x2 0x1.62e42feep-1 0x1.62e42feep-1)))
        (f64x2.mul (local.get $k) (v128.const f64x2 1.9082149292705877e-10 1.9082149292705877e-10))))
    (local.set $p (v128.const f64x2 1.6059043836821613e-10 1.6059043836821613e-10))
    (local.set $p (f64x2.add (v128.const f64x2 2.08767569878681e-09 2.08767569878681e-09) (f64x2.mul (local.get $r) (local.get $p))))
    (local.set $p (f64x2.add (v128.const f64x2 2.505210838544172e-08 2.505210838544172e-08) (f64x2.mul (local.get $r) (local.get $p))))
    (local.set $p (f64x2.add (v128.const f64x2 2.755731922398589e-07 2.755731922398589e-07) (f64x2.mul (local.get $r) (local.get $p))))
    (local.set $p (f64x2.add (v128.const f64x2 2.7557319223985893e-06 2.7557319223985893e-06) (f64x2.mul (local.get $r) (local.get $p))))
    (local.set $p (f64x2.add (v128.const f64x2 2.48015873015873e-05 2.48015873015873e-05) (f64x2.mul (local.get $r) (local.get $p))))
    (local.set $p (f64x2.add (v128.const f64x2 0.0001984126984126984 0.0001984126984126984) (f64x2.mul (local.get $r) (local.get $p))))
    (local.set $p (f64x2.add (v128.const f64x2 0.001388888888888889 0.001388888888888889) (f64x2.mul (local.get $r) (local.get $p))))
    (local.set $p (f64x2.add (v128.const f64x2 0.008333333333333333 0.008333333333333333) (f64x2.mul (local.get $r) (local.get $p))))
    (local.set $p (f64x2.add (v128.const f64x2 0.041666666666666664 0.041666666666666664) (f64x2.mul (local.get $r) (local.get $p))))
    (local.set $p (f64x2.add (v128.const f64x2 0.16666666666666666 0.16666666666666666) (f64x2.mul (local.get $r) (local.get $p))))
    (local.set $p (f64x2.add (v128.const f64x2 0.5 0.5) (f64x2.mul (local.get $r) (local.get $p))))
    (local.set $p (f64x2.add (v128.const f64x2 1 1) (f64x2.mul (local.get $r) (local.get $p))))
    (local.set $s (i64x2.shl (i64x2.add (local.get $t) (v128.const i64x2 1023 1023)) (i32.const 52)))
    (v128.bitselect
      (v128.const f64x2 inf inf)
      (f64x2.add
        (f64x2.mul (local.get $s) (f64x2.mul (local.get $r) (local.get $p)))
        (f64x2.sub (local.get $s) (v128.const f64x2 1 1)))
      (local.get $over)))

  ;; σ(a) = 1 / (1 + e^-a) per lane.
  (func $sigmoid (param $a v128) (result v128)
    (f64x2.div (v128.const f64x2 1 1)
      (f64x2.add (v128.const f64x2 2 2) (call $expm1 (f64x2.neg (local.get $a))))))

  ;; tanh(x) per lane, with the sign of x.
  (func $tanh (param $x v128) (result v128)
    (local $m v128)
    (local.set $m (call $expm1 (f64x2.mul (v128.const f64x2 -2 -2) (f64x2.abs (local.get $x)))))
    (v128.or
      (f64x2.div (f64x2.sub (v128.const f64x2 0 0) (local.get $m)) (f64x2.add (local.get $m) (v128.const f64x2 2 2)))
      (v128.and (local.get $x) (v128.const i64x2 0x8000000000000000 0x8000000000000000))))

  ;; One GRU forward column pair from its inputs: returns r, z, n, h'.
  ;;   r = σ(gi_r + gh_r)   z = σ(gi_z + gh_z)   n = tanh(gi_n + r·gh_n)   h' = (1 - z)·n + z·h
  (func $forward (param $gir v128) (param $giz v128) (param $gin v128)
    (param $ghr v128) (param $ghz v128) (param $ghn v128) (param $hp v128)
    (result v128 v128 v128 v128)
    (local $r v128) (local $z v128) (local $n v128)
    (local.set $r (call $sigmoid (f64x2.add (local.get $gir) (local.get $ghr))))
    (local.set $z (call $sigmoid (f64x2.add (local.get $giz) (local.get $ghz))))
    (local.set $n (call $tanh (f64x2.add (local.get $gin) (f64x2.mul (local.get $r) (local.get $ghn)))))
    (local.get $r) (local.get $z) (local.get $n)
    (f64x2.add
      (f64x2.mul (f64x2.sub (v128.const f64x2 1 1) (local.get $z)) (local.get $n))
      (f64x2.mul (local.get $z) (local.get $hp))))

  ;; Forward step of `rows` packed rows of hidden size `hid` (cells/gru-forward.ts): gi, gates
  ;; (3·hid per row), gh (3·hid per row), hprev, hn, h (hid per row), each from its first row.
  ;; Writes gates = (r, z, n), hn = gh_n and h.
  (func (export "gru_forward")
    (param $gi i32) (param $gh i32) (param $hprev i32) (param $gates i32) (param $hn i32) (param $h i32)
    (param $rows i32) (param $hid i32)
    (local $hb i32) (local $gb i32) (local $pairs i32) (local $j i32) (local $o i32) (local $g i32)
    (local $r v128) (local $z v128) (local $n v128) (local $hv v128) (local $ghn v128)
    (local.set $hb (i32.shl (local.get $hid) (i32.const 3)))
    (local.set $gb (i32.mul (local.get $hb) (i32.const 3)))
    (local.set $pairs (i32.and (local.get $hid) (i32.const -2)))
    (block $rows_done
      (loop $row
        (br_if $rows_done (i32.eqz (local.get $rows)))
        (local.set $j (i32.const 0))
        (block $pairs_done
          (loop $pair
            (br_if $pairs_done (i32.ge_u (local.get $j) (local.get $pairs)))
            (local.set $o (i32.shl (local.get $j) (i32.const 3)))
            (local.set $g (i32.add (local.get $gh) (local.get $o)))
            (local.set $ghn (v128.load (i32.add (local.get $g) (i32.shl (local.get $hb) (i32.const 1)))))
            (call $forward
              (v128.load (i32.add (local.get $gi) (local.get $o)))
              (v128.load (i32.add (i32.add (local.get $gi) (local.get $hb)) (local.get $o)))
              (v128.load (i32.add (i32.add (local.get $gi) (i32.shl (local.get $hb) (i32.const 1))) (local.get $o)))
              (v128.load (local.get $g))
              (v128.load (i32.add (local.get $g) (local.get $hb)))
              (local.get $ghn)
              (v128.load (i32.add (local.get $hprev) (local.get $o))))
            (local.set $hv) (local.set $n) (local.set $z) (local.set $r)
            (local.set $g (i32.add (local.get $gates) (local.get $o)))
            (v128.store (local.get $g) (local.get $r))
            (v128.store (i32.add (local.get $g) (local.get $hb)) (local.get $z))
            (v128.store (i32.add (local.get $g) (i32.shl (local.get $hb) (i32.const 1))) (local.get $n))
            (v128.store (i32.add (local.get $hn) (local.get $o)) (local.get $ghn))
            (v128.store (i32.add (local.get $h) (local.get $o)) (local.get $hv))
            (local.set $j (i32.add (local.get $j) (i32.const 2)))
            (br $pair)))
        (if (i32.lt_u (local.get $j) (local.get $hid))
          (then
            (local.set $o (i32.shl (local.get $j) (i32.const 3)))
            (local.set $g (i32.add (local.get $gh) (local.get $o)))
            (local.set $ghn (v128.load64_splat (i32.add (local.get $g) (i32.shl (local.get $hb) (i32.const 1)))))
            (call $forward
              (v128.load64_splat (i32.add (local.get $gi) (local.get $o)))
              (v128.load64_splat (i32.add (i32.add (local.get $gi) (local.get $hb)) (local.get $o)))
              (v128.load64_splat (i32.add (i32.add (local.get $gi) (i32.shl (local.get $hb) (i32.const 1))) (local.get $o)))
              (v128.load64_splat (local.get $g))
              (v128.load64_splat (i32.add (local.get $g) (local.get $hb)))
              (local.get $ghn)
              (v128.load64_splat (i32.add (local.get $hprev) (local.get $o))))
            (local.set $hv) (local.set $n) (local.set $z) (local.set $r)
            (local.set $g (i32.add (local.get $gates) (local.get $o)))
            (v128.store64_lane 0 (local.get $g) (local.get $r))
            (v128.store64_lane 0 (i32.add (local.get $g) (local.get $hb)) (local.get $z))
            (v128.store64_lane 0 (i32.add (local.get $g) (i32.shl (local.get $hb) (i32.const 1))) (local.get $n))
            (v128.store64_lane 0 (i32.add (local.get $hn) (local.get $o)) (local.get $ghn))
            (v128.store64_lane 0 (i32.add (local.get $h) (local.get $o)) (local.get $hv))))
        (local.set $gi (i32.add (local.get $gi) (local.get $gb)))
        (local.set $gh (i32.add (local.get $gh) (local.get $gb)))
        (local.set $gates (i32.add (local.get $gates) (local.get $gb)))
        (local.set $hprev (i32.add (local.get $hprev) (local.get $hb)))
        (local.set $hn (i32.add (local.get $hn) (local.get $hb)))
        (local.set $h (i32.add (local.get $h) (local.get $hb)))
        (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
        (br $row))))

  ;; One GRU backward column pair (cells/gru-backward.ts, same operations in the same order):
  ;; from r, z, n, d = dh + dhIn, h_prev and hn returns da_r, da_z, da_n, da_n·r and d·z.
  (func $backward (param $r v128) (param $z v128) (param $n v128) (param $d v128) (param $hp v128) (param $hn v128)
    (result v128 v128 v128 v128 v128)
    (local $dan v128) (local $daz v128) (local $dar v128)
    (local.set $dan
      (f64x2.mul
        (f64x2.mul (local.get $d) (f64x2.sub (v128.const f64x2 1 1) (local.get $z)))
        (f64x2.sub (v128.const f64x2 1 1) (f64x2.mul (local.get $n) (local.get $n)))))
    (local.set $daz
      (f64x2.mul
        (f64x2.mul (f64x2.mul (local.get $d) (f64x2.sub (local.get $hp) (local.get $n))) (local.get $z))
        (f64x2.sub (v128.const f64x2 1 1) (local.get $z))))
    (local.set $dar
      (f64x2.mul
        (f64x2.mul (f64x2.mul (local.get $dan) (local.get $hn)) (local.get $r))
        (f64x2.sub (v128.const f64x2 1 1) (local.get $r))))
    (local.get $dar) (local.get $daz) (local.get $dan)
    (f64x2.mul (local.get $dan) (local.get $r))
    (f64x2.mul (local.get $d) (local.get $z)))

  ;; Backward step of `rows` packed rows of hidden size `hid` (cells/gru-backward.ts): gates,
  ;; dgi, dgh (3·hid per row), hprev, hn, dhin (hid per row) and dh (hid per row, the carries),
  ;; each from its first row. Writes dgi, dgh and dh (dh' ⊙ z).
  (func (export "gru_backward")
    (param $gates i32) (param $hprev i32) (param $hn i32) (param $dhin i32) (param $dgi i32) (param $dgh i32)
    (param $dh i32) (param $rows i32) (param $hid i32)
    (local $hb i32) (local $gb i32) (local $pairs i32) (local $j i32) (local $o i32) (local $g i32)
    (local $dar v128) (local $daz v128) (local $dan v128) (local $danr v128) (local $dz v128)
    (local.set $hb (i32.shl (local.get $hid) (i32.const 3)))
    (local.set $gb (i32.mul (local.get $hb) (i32.const 3)))
    (local.set $pairs (i32.and (local.get $hid) (i32.const -2)))
    (block $rows_done
      (loop $row
        (br_if $rows_done (i32.eqz (local.get $rows)))
        (local.set $j (i32.const 0))
        (block $pairs_done
          (loop $pair
            (br_if $pairs_done (i32.ge_u (local.get $j) (local.get $pairs)))
            (local.set $o (i32.shl (local.get $j) (i32.const 3)))
            (local.set $g (i32.add (local.get $gates) (local.get $o)))
            (call $backward
              (v128.load (local.get $g))
              (v128.load (i32.add (local.get $g) (local.get $hb)))
              (v128.load (i32.add (local.get $g) (i32.shl (local.get $hb) (i32.const 1))))
              (f64x2.add (v128.load (i32.add (local.get $dh) (local.get $o))) (v128.load (i32.add (local.get $dhin) (local.get $o))))
              (v128.load (i32.add (local.get $hprev) (local.get $o)))
              (v128.load (i32.add (local.get $hn) (local.get $o))))
            (local.set $dz) (local.set $danr) (local.set $dan) (local.set $daz) (local.set $dar)
            (local.set $g (i32.add (local.get $dgi) (local.get $o)))
            (v128.store (local.get $g) (local.get $dar))
            (v128.store (i32.add (local.get $g) (local.get $hb)) (local.get $daz))
            (v128.store (i32.add (local.get $g) (i32.shl (local.get $hb) (i32.const 1))) (local.get $dan))
            (local.set $g (i32.add (local.get $dgh) (local.get $o)))
            (v128.store (local.get $g) (local.get $dar))
            (v128.store (i32.add (local.get $g) (local.get $hb)) (local.get $daz))
            (v128.store (i32.add (local.get $g) (i32.shl (local.get $hb) (i32.const 1))) (local.get $danr))
            (v128.store (i32.add (local.get $dh) (local.get $o)) (local.get $dz))
            (local.set $j (i32.add (local.get $j) (i32.const 2)))
            (br $pair)))
        (if (i32.lt_u (local.get $j) (local.get $hid))
          (then
            (local.set $o (i32.shl (local.get $j) (i32.const 3)))
            (local.set $g (i32.add (local.get $gates) (local.get $o)))
            (call $backward
              (v128.load64_splat (local.get $g))
              (v128.load64_splat (i32.add (local.get $g) (local.get $hb)))
              (v128.load64_splat (i32.add (local.get $g) (i32.shl (local.get $hb) (i32.const 1))))
              (f64x2.add (v128.load64_splat (i32.add (local.get $dh) (local.get $o))) (v128.load64_splat (i32.add (local.get $dhin) (local.get $o))))
              (v128.load64_splat (i32.add (local.get $hprev) (local.get $o)))
              (v128.load64_splat (i32.add (local.get $hn) (local.get $o))))
            (local.set $dz) (local.set $danr) (local.set $dan) (local.set $daz) (local.set $dar)
            (local.set $g (i32.add (local.get $dgi) (local.get $o)))
            (v128.store64_lane 0 (local.get $g) (local.get $dar))
            (v128.store64_lane 0 (i32.add (local.get $g) (local.get $hb)) (local.get $daz))
            (v128.store64_lane 0 (i32.add (local.get $g) (i32.shl (local.get $hb) (i32.const 1))) (local.get $dan))
            (local.set $g (i32.add (local.get $dgh) (local.get $o)))
            (v128.store64_lane 0 (local.get $g) (local.get $dar))
            (v128.store64_lane 0 (i32.add (local.get $g) (local.get $hb)) (local.get $daz))
            (v128.store64_lane 0 (i32.add (local.get $g) (i32.shl (local.get $hb) (i32.const 1))) (local.get $danr))
            (v128.store64_lane 0 (i32.add (local.get $dh) (local.get $o)) (local.get $dz))))
        (local.set $gates (i32.add (local.get $gates) (local.get $gb)))
        (local.set $dgi (i32.add (local.get $dgi) (local.get $gb)))
        (local.set $dgh (i32.add (local.get $dgh) (local.get $gb)))
        (local.set $hprev (i32.add (local.get $hprev) (local.get $hb)))
        (local.set $hn (i32.add (local.get $hn) (local.get $hb)))
        (local.set $dhin (i32.add (local.get $dhin) (local.get $hb)))
        (local.set $dh (i32.add (local.get $dh) (local.get $hb)))
        (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
        (br $row))))

  ;; One LSTM forward column pair from its inputs: returns i, f, g, o, c', h'.
  ;;   i = σ(gi_i + gh_i)  f = σ(gi_f + gh_f)  g = tanh(gi_g + gh_g)  o = σ(gi_o + gh_o)
  ;;   c' = f·c + i·g      h' = o·tanh(c')
  (func $lstm_cell (param $gii v128) (param $gif v128) (param $gig v128) (param $gio v128)
    (param $ghi v128) (param $ghf v128) (param $ghg v128) (param $gho v128) (param $cp v128)
    (result v128 v128 v128 v128 v128 v128)
    (local $i v128) (local $f v128) (local $g v128) (local $o v128) (local $c v128)
    (local.set $i (call $sigmoid (f64x2.add (local.get $gii) (local.get $ghi))))
    (local.set $f (call $sigmoid (f64x2.add (local.get $gif) (local.get $ghf))))
    (local.set $g (call $tanh (f64x2.add (local.get $gig) (local.get $ghg))))
    (local.set $o (call $sigmoid (f64x2.add (local.get $gio) (local.get $gho))))
    (local.set $c (f64x2.add (f64x2.mul (local.get $f) (local.get $cp)) (f64x2.mul (local.get $i) (local.get $g))))
    (local.get $i) (local.get $f) (local.get $g) (local.get $o) (local.get $c)
    (f64x2.mul (local.get $o) (call $tanh (local.get $c))))

  ;; Forward step of `rows` packed rows of hidden size `hid` (cells/lstm-forward.ts): gi, gh,
  ;; gates (4·hid per row), cprev, c, h (hid per row), each from its first row. Writes gates =
  ;; (i, f, g, o), c and h.
  (func (export "lstm_forward")
    (param $gi i32) (param $gh i32) (param $cprev i32) (param $gates i32) (param $c i32) (param $h i32)
    (param $rows i32) (param $hid i32)
    (local $hb i32) (local $gb i32) (local $j i32) (local $o i32) (local $one i32)
    (local $vi v128) (local $vf v128) (local $vg v128) (local $vo v128) (local $vc v128) (local $vh v128)
    (local.set $hb (i32.shl (local.get $hid) (i32.const 3)))
    (local.set $gb (i32.shl (local.get $hb) (i32.const 2)))
    (block $rows_done
      (loop $row
        (br_if $rows_done (i32.eqz (local.get $rows)))
        (local.set $j (i32.const 0))
        (block $cols_done
          (loop $col
            (br_if $cols_done (i32.ge_u (local.get $j) (local.get $hid)))
            (local.set $o (i32.shl (local.get $j) (i32.const 3)))
            ;; the last column of an odd row runs in both lanes of a vector, one lane stored
            (local.set $one (i32.eq (i32.add (local.get $j) (i32.const 1)) (local.get $hid)))
            (call $lstm_cell
              (call $load (i32.add (local.get $gi) (local.get $o)) (local.get $one))
              (call $load (i32.add (i32.add (local.get $gi) (local.get $hb)) (local.get $o)) (local.get $one))
              (call $load (i32.add (i32.add (local.get $gi) (i32.shl (local.get $hb) (i32.const 1))) (local.get $o)) (local.get $one))
              (call $load (i32.add (i32.add (local.get $gi) (i32.mul (local.get $hb) (i32.const 3))) (local.get $o)) (local.get $one))
              (call $load (i32.add (local.get $gh) (local.get $o)) (local.get $one))
              (call $load (i32.add (i32.add (local.get $gh) (local.get $hb)) (local.get $o)) (local.get $one))
              (call $load (i32.add (i32.add (local.get $gh) (i32.shl (local.get $hb) (i32.const 1))) (local.get $o)) (local.get $one))
              (call $load (i32.add (i32.add (local.get $gh) (i32.mul (local.get $hb) (i32.const 3))) (local.get $o)) (local.get $one))
              (call $load (i32.add (local.get $cprev) (local.get $o)) (local.get $one)))
            (local.set $vh) (local.set $vc) (local.set $vo) (local.set $vg) (local.set $vf) (local.set $vi)
            (call $store (i32.add (local.get $gates) (local.get $o)) (local.get $vi) (local.get $one))
            (call $store (i32.add (i32.add (local.get $gates) (local.get $hb)) (local.get $o)) (local.get $vf) (local.get $one))
            (call $store (i32.add (i32.add (local.get $gates) (i32.shl (local.get $hb) (i32.const 1))) (local.get $o)) (local.get $vg) (local.get $one))
            (call $store (i32.add (i32.add (local.get $gates) (i32.mul (local.get $hb) (i32.const 3))) (local.get $o)) (local.get $vo) (local.get $one))
            (call $store (i32.add (local.get $c) (local.get $o)) (local.get $vc) (local.get $one))
            (call $store (i32.add (local.get $h) (local.get $o)) (local.get $vh) (local.get $one))
            (local.set $j (i32.add (local.get $j) (i32.const 2)))
            (br $col)))
        (local.set $gi (i32.add (local.get $gi) (local.get $gb)))
        (local.set $gh (i32.add (local.get $gh) (local.get $gb)))
        (local.set $gates (i32.add (local.get $gates) (local.get $gb)))
        (local.set $cprev (i32.add (local.get $cprev) (local.get $hb)))
        (local.set $c (i32.add (local.get $c) (local.get $hb)))
        (local.set $h (i32.add (local.get $h) (local.get $hb)))
        (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
        (br $row))))

  ;; One LSTM backward column pair (cells/lstm-backward.ts, same operations in the same order,
  ;; tanh(c') by $tanh as in the forward step): from i, f, g, o, c', c, d = dh + dhIn and the
  ;; carried dc returns da_i, da_f, da_g, da_o and dc = dc'·f.
  (func $lstm_back (param $i v128) (param $f v128) (param $g v128) (param $o v128) (param $c v128)
    (param $cp v128) (param $d v128) (param $dc v128)
    (result v128 v128 v128 v128 v128)
    (local $tc v128) (local $dct v128)
    (local.set $tc (call $tanh (local.get $c)))
    (local.set $dct
      (f64x2.add (local.get $dc)
        (f64x2.mul (f64x2.mul (local.get $d) (local.get $o))
          (f64x2.sub (v128.const f64x2 1 1) (f64x2.mul (local.get $tc) (local.get $tc))))))
    (f64x2.mul (f64x2.mul (f64x2.mul (local.get $dct) (local.get $g)) (local.get $i)) (f64x2.sub (v128.const f64x2 1 1) (local.get $i)))
    (f64x2.mul (f64x2.mul (f64x2.mul (local.get $dct) (local.get $cp)) (local.get $f)) (f64x2.sub (v128.const f64x2 1 1) (local.get $f)))
    (f64x2.mul (f64x2.mul (local.get $dct) (local.get $i)) (f64x2.sub (v128.const f64x2 1 1) (f64x2.mul (local.get $g) (local.get $g))))
    (f64x2.mul (f64x2.mul (f64x2.mul (local.get $d) (local.get $tc)) (local.get $o)) (f64x2.sub (v128.const f64x2 1 1) (local.get $o)))
    (f64x2.mul (local.get $dct) (local.get $f)))

  ;; Backward step of `rows` packed rows of hidden size `hid` (cells/lstm-backward.ts): gates,
  ;; da (4·hid per row), cprev, c, dhin (hid per row), dh and dc (hid per row, the carries), each
  ;; from its first row. Writes da, dc (dL/dc_{t-1}) and dh (zero).
  (func (export "lstm_backward")
    (param $gates i32) (param $cprev i32) (param $c i32) (param $dhin i32) (param $da i32)
    (param $dh i32) (param $dc i32) (param $rows i32) (param $hid i32)
    (local $hb i32) (local $gb i32) (local $j i32) (local $o i32) (local $one i32) (local $p i32)
    (local $dai v128) (local $daf v128) (local $dag v128) (local $dao v128) (local $dcv v128)
    (local.set $hb (i32.shl (local.get $hid) (i32.const 3)))
    (local.set $gb (i32.shl (local.get $hb) (i32.const 2)))
    (block $rows_done
      (loop $row
        (br_if $rows_done (i32.eqz (local.get $rows)))
        (local.set $j (i32.const 0))
        (block $cols_done
          (loop $col
            (br_if $cols_done (i32.ge_u (local.get $j) (local.get $hid)))
            (local.set $o (i32.shl (local.get $j) (i32.const 3)))
            (local.set $one (i32.eq (i32.add (local.get $j) (i32.const 1)) (local.get $hid)))
            (local.set $p (i32.add (local.get $gates) (local.get $o)))
            (call $lstm_back
              (call $load (local.get $p) (local.get $one))
              (call $load (i32.add (local.get $p) (local.get $hb)) (local.get $one))
              (call $load (i32.add (local.get $p) (i32.shl (local.get $hb) (i32.const 1))) (local.get $one))
              (call $load (i32.add (local.get $p) (i32.mul (local.get $hb) (i32.const 3))) (local.get $one))
              (call $load (i32.add (local.get $c) (local.get $o)) (local.get $one))
              (call $load (i32.add (local.get $cprev) (local.get $o)) (local.get $one))
              (f64x2.add
                (call $load (i32.add (local.get $dh) (local.get $o)) (local.get $one))
                (call $load (i32.add (local.get $dhin) (local.get $o)) (local.get $one)))
              (call $load (i32.add (local.get $dc) (local.get $o)) (local.get $one)))
            (local.set $dcv) (local.set $dao) (local.set $dag) (local.set $daf) (local.set $dai)
            (local.set $p (i32.add (local.get $da) (local.get $o)))
            (call $store (local.get $p) (local.get $dai) (local.get $one))
            (call $store (i32.add (local.get $p) (local.get $hb)) (local.get $daf) (local.get $one))
            (call $store (i32.add (local.get $p) (i32.shl (local.get $hb) (i32.const 1))) (local.get $dag) (local.get $one))
            (call $store (i32.add (local.get $p) (i32.mul (local.get $hb) (i32.const 3))) (local.get $dao) (local.get $one))
            (call $store (i32.add (local.get $dc) (local.get $o)) (local.get $dcv) (local.get $one))
            (call $store (i32.add (local.get $dh) (local.get $o)) (v128.const f64x2 0 0) (local.get $one))
            (local.set $j (i32.add (local.get $j) (i32.const 2)))
            (br $col)))
        (local.set $gates (i32.add (local.get $gates) (local.get $gb)))
        (local.set $da (i32.add (local.get $da) (local.get $gb)))
        (local.set $cprev (i32.add (local.get $cprev) (local.get $hb)))
        (local.set $c (i32.add (local.get $c) (local.get $hb)))
        (local.set $dhin (i32.add (local.get $dhin) (local.get $hb)))
        (local.set $dh (i32.add (local.get $dh) (local.get $hb)))
        (local.set $dc (i32.add (local.get $dc) (local.get $hb)))
        (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
        (br $row))))

  ;; Two doubles at p, or (one) the double at p in both lanes.
  (func $load (param $p i32) (param $one i32) (result v128)
    (if (result v128) (local.get $one)
      (then (v128.load64_splat (local.get $p)))
      (else (v128.load (local.get $p)))))

  ;; Stores both lanes of v at p, or (one) lane 0 only.
  (func $store (param $p i32) (param $v v128) (param $one i32)
    (if (local.get $one)
      (then (v128.store64_lane 0 (local.get $p) (local.get $v)))
      (else (v128.store (local.get $p) (local.get $v))))))

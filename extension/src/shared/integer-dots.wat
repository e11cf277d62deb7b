;; Exact dot products of int16 rows with one int16 query, four times fewer steps than scalar JavaScript
;; (extension/src/shared/integer-dots.js embeds the assembled bytes; test/integer-dots.test.mjs re-assembles this
;; file with wabt and checks they are the same).
;;
;; i32x4.dot_i16x8_s multiplies eight int16 pairs and adds neighbours into four int32 lanes: with components in
;; [-32767, 32767] a lane holds at most 2 * 32767^2 = 2,147,352,578 < 2^31, so it never overflows. The lanes are
;; widened to int64 before they are summed, so a row of any length is exact; the sum is converted to f64, exact
;; below 2^53. The result is therefore the same integer scalar code computes, in any order.
(module
  (memory (export "memory") 1)
  ;; rows: byte offset of count rows of stride int16 each (stride a multiple of 8, the tail zero-padded);
  ;; query: byte offset of stride int16 (16-byte aligned); out: byte offset of count f64 results.
  (func (export "dots") (param $rows i32) (param $query i32) (param $count i32) (param $stride i32) (param $out i32)
    (local $end i32) (local $rowEnd i32) (local $q i32) (local $acc v128) (local $pairs v128)
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $count) (i32.const 3))))
    (block $done
      (loop $eachRow
        (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
        (local.set $acc (v128.const i64x2 0 0))
        (local.set $q (local.get $query))
        (local.set $rowEnd (i32.add (local.get $rows) (i32.shl (local.get $stride) (i32.const 1))))
        (block $rowDone
          (loop $eachEight
            (br_if $rowDone (i32.ge_u (local.get $rows) (local.get $rowEnd)))
            (local.set $pairs (i32x4.dot_i16x8_s (v128.load (local.get $rows)) (v128.load (local.get $q))))
            (local.set $acc (i64x2.add (local.get $acc) (i64x2.extend_low_i32x4_s (local.get $pairs))))
            (local.set $acc (i64x2.add (local.get $acc) (i64x2.extend_high_i32x4_s (local.get $pairs))))
            (local.set $rows (i32.add (local.get $rows) (i32.const 16)))
            (local.set $q (i32.add (local.get $q) (i32.const 16)))
            (br $eachEight)))
        (f64.store (local.get $out)
          (f64.convert_i64_s
            (i64.add (i64x2.extract_lane 0 (local.get $acc)) (i64x2.extract_lane 1 (local.get $acc)))))
        (local.set $out (i32.add (local.get $out) (i32.const 8)))
        (br $eachRow)))))

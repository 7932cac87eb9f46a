;; The vector search's inner loop in WebAssembly SIMD: four float multiply-adds an instruction.
;; src/index/simdDot.ts embeds the compiled bytes; test/unit/index/simdDot.test.ts compiles this
;; file with wabt and checks they match.
(module
  (memory (export "memory") 1)
  ;; scores(query, matrix, rows, dims, out): out[r] = dot(matrix row r, query); dims a multiple of 4.
  (func (export "scores") (param $query i32) (param $matrix i32) (param $rows i32) (param $dims i32) (param $out i32)
    (local $r i32) (local $d i32) (local $row i32) (local $acc v128) (local $bytes i32)
    (local.set $bytes (i32.shl (local.get $dims) (i32.const 2)))
    (local.set $row (local.get $matrix))
    (block $done
      (loop $rowsLoop
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $acc (v128.const i32x4 0 0 0 0))
        (local.set $d (i32.const 0))
        (block $dimsDone
          (loop $dimsLoop
            (br_if $dimsDone (i32.ge_u (local.get $d) (local.get $bytes)))
            (local.set $acc
              (f32x4.add (local.get $acc)
                (f32x4.mul
                  (v128.load (i32.add (local.get $row) (local.get $d)))
                  (v128.load (i32.add (local.get $query) (local.get $d))))))
            (local.set $d (i32.add (local.get $d) (i32.const 16)))
            (br $dimsLoop)))
        (f32.store
          (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 2)))
          (f32.add
            (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
            (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
        (local.set $row (i32.add (local.get $row) (local.get $bytes)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rowsLoop))))
)

;; Binary recursion of depth $d (2^d calls) through a function whose body
;; starts with a loop that never branches back: its only check is the loop
;; head's, as the rewriter leaves out the entry check of such functions.
(module
  (memory 1)
  (func $f (export "run") (param $d i32) (result i32)
    (local $r i32)
    (loop $l
      (if (i32.gt_u (local.get $d) (i32.const 0))
        (then
          (local.set $r
            (i32.add
              (call $f (i32.sub (local.get $d) (i32.const 1)))
              (call $f (i32.sub (local.get $d) (i32.const 1))))))))
    (i32.add (local.get $r) (i32.const 1))))

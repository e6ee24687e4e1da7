;; Every place a function index appears, for the rewriter's renumbering
;; (the yield import moves the module's own functions up by one). Rebuild
;; with go generate ./host/sandbox/internal/interrupt/ (wat2wasm, Debian wabt).
(module
  (import "env" "imported" (func $imported (result i32)))
  (type $ret (func (result i32)))
  (memory 1)
  (table $t 4 funcref)
  (global $started (mut i32) (i32.const 0))
  (global $fref funcref (ref.func $seven))
  (elem (i32.const 0) $seven $eight)          ;; flags 0: active, function indices
  (elem $passive func $nine)                  ;; flags 1: passive
  (elem declare func $ten)                    ;; flags 3: declarative
  (elem (table $t) (i32.const 2) funcref (ref.func $nine) (ref.null func)) ;; flags 6: expressions
  (func $seven (result i32) (i32.const 7))
  (func $eight (result i32) (i32.const 8))
  (func $nine (result i32) (i32.const 9))
  (func $ten (result i32) (i32.const 10))
  (func $start (global.set $started (i32.const 100)))
  (start $start)
  (func (export "run") (result i32)
    (table.init $t $passive (i32.const 3) (i32.const 0) (i32.const 1))
    (i32.add (call_indirect (type $ret) (i32.const 0))      ;; 7
    (i32.add (call_indirect (type $ret) (i32.const 1))      ;; 8
    (i32.add (call_indirect (type $ret) (i32.const 2))      ;; 9
    (i32.add (call_indirect (type $ret) (i32.const 3))      ;; 9 (table.init from $passive)
    (i32.add (call $ten)                                    ;; 10
    (i32.add (call $imported)                               ;; 1000
    (i32.add (global.get $started)                          ;; 100
      (i32.mul (i32.const 10000) (ref.is_null (ref.func $ten)))))))))))  ;; 0
)

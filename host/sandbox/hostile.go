package sandbox

// The hostile test plugins under testdata/hostile are WAT sources with their
// wat2wasm builds checked in; regenerate both with wat2wasm (Debian: wabt):
//go:generate go run ./testdata/hostile/gen.go

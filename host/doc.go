// Package host holds no code: its subpackages are the connector host. The
// dependencies point one way:
//
//   - host/sandbox runs WebAssembly modules under limits (bytes and export
//     names, no payments types); host/plugin is the plugin-ABI client on top
//     of it; host/manifest validates manifests; host/registry loads and
//     hot-swaps plugins; host/executor runs flows; host/server is the API
//     edge, the only place Connect codes are given to the typed errors of
//     the packages below it.
//   - The host shares abi, money and mask with the plugins and never imports
//     pdk/...; the PDK and the plugins never import host/... (their
//     end-to-end tests may). imports_test.go enforces both.
package host

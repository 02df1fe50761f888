// Package layers holds no code: its test keeps the one-way import rules of
// DESIGN.md true. It reads the package table in DESIGN.md — each row a
// package, marked "pure:", "domain:" or "web:" where it is one, with the
// internal packages it may import — and the import graph from `go list`,
// and fails, naming the import, when
//
//   - a pure package depends on database/sql, net/http or os/exec, or
//     imports a domain or web package;
//   - a domain package imports a web package (internal/web or below);
//   - a pure or domain package imports an internal package its row does
//     not list;
//   - a package of the module has no row, or a row names no package.
//
// So the table and the code cannot drift apart: a change that moves a
// boundary changes DESIGN.md in the same commit.
package layers

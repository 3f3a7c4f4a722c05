"""`warmlint server`: the Language Server Protocol over stdio, for editors (needs the `lsp` extra, pygls)."""

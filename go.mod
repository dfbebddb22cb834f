module uv

go 1.24

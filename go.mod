module uv

go 1.24

require github.com/mattn/go-pointer v0.0.1

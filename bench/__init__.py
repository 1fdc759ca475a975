"""Benchmarks and the soak harness, apart from the product: run by `lineside bench …`, never imported by core,
console or cli (cli.cmd_bench loads them inside each command)."""

"""The benchmarks, run with tiny sizes so that they keep working."""

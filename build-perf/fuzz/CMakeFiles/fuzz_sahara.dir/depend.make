# Empty dependencies file for fuzz_sahara.
# This may be replaced when dependencies are built.

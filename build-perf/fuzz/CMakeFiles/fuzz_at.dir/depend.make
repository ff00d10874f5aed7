# Empty dependencies file for fuzz_at.
# This may be replaced when dependencies are built.

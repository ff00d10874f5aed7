# Empty dependencies file for fuzz_install.
# This may be replaced when dependencies are built.

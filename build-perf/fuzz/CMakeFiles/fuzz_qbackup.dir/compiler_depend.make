# Empty compiler generated dependencies file for fuzz_qbackup.
# This may be replaced when dependencies are built.

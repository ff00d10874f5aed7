# Empty compiler generated dependencies file for fuzz_net.
# This may be replaced when dependencies are built.

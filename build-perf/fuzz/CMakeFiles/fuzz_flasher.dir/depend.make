# Empty dependencies file for fuzz_flasher.
# This may be replaced when dependencies are built.

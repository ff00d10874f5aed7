# Empty dependencies file for fuzz_firehose.
# This may be replaced when dependencies are built.

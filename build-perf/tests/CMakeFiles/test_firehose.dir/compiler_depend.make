# Empty compiler generated dependencies file for test_firehose.
# This may be replaced when dependencies are built.

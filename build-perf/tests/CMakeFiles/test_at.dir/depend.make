# Empty dependencies file for test_at.
# This may be replaced when dependencies are built.

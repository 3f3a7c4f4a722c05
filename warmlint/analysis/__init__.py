"""Static analysis: source -> CST -> Facts. Never imports or runs the code it reads."""

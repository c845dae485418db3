"""`culture import`: Word submissions (.docx) to item files."""

"""Print: story booklets typeset with Typst, and saddle-stitch imposition."""

"""Official forced-labour and sanctions lists: formats, versions, diffs."""

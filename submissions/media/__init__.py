"""The media pipeline: probe, check, strip metadata and make renditions of entrants' files."""

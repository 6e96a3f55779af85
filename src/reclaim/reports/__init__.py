"""A young person's report: hashes made on their device, where they saw the image, a reference
and PIN to check it, withdrawal and erasure. Reclaim never receives the image itself."""

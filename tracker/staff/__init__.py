"""What staff decide: corrections, the review queue and staff accounts."""

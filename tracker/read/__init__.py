"""The read side: queries for visible schemes and their Dutch wording and local times."""

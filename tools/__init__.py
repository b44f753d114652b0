"""Developer tools that sit above the product (screenshots over demo data); never imported by it."""

"""The program's public face, its vocabulary and its calendar."""

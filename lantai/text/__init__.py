"""Chinese text processing: plain Python, no Django import (DESIGN §2, §3)."""

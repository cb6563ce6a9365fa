"""The bundled sample scenarios (Pengshui, Yangcheng, Zhangping) and their seeded generator.

The folders next to this file are data; :mod:`samples.generate` rebuilds them byte for byte.
"""

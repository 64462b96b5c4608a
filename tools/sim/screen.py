# Host-side views of a 128x64 MONO_VLSB frame (SSD1306Chip.frame() or Canvas.buf): quadrant-block
# text for terminals and logs, and PNG snapshots drawn like the lit pixels of an OLED.
WIDTH = 128
HEIGHT = 64

# Index = top-left 1 | top-right 2 | bottom-left 4 | bottom-right 8.
QUADRANTS = " ▘▝▀▖▌▞▛▗▚▐▜▄▙▟█"

ON = (235, 245, 255)  # OLED white
OFF = (12, 14, 20)  # unlit glass
BEZEL = (0, 0, 0)


def _check(frame, width, height):
    if len(frame) != width * height // 8:
        raise ValueError("frame is %d bytes, expected %d" % (len(frame), width * height // 8))


def pixel(frame, x, y, width=WIDTH):
    return (frame[(y >> 3) * width + x] >> (y & 7)) & 1


def frame_to_text(frame, width=WIDTH, height=HEIGHT):
    """One string per two pixel rows, one char per 2x2 pixels (32 strings of 64 for 128x64)."""
    _check(frame, width, height)
    lines = []
    for y in range(0, height, 2):
        chars = []
        for x in range(0, width, 2):
            i = (
                pixel(frame, x, y, width)
                | pixel(frame, x + 1, y, width) << 1
                | pixel(frame, x, y + 1, width) << 2
                | pixel(frame, x + 1, y + 1, width) << 3
            )
            chars.append(QUADRANTS[i])
        lines.append("".join(chars))
    return lines


def frame_to_image(frame, scale=4, width=WIDTH, height=HEIGHT):
    """A Pillow RGB image: each pixel a scale x scale square, inside a border one pixel wide."""
    from PIL import Image

    _check(frame, width, height)
    small = Image.new("RGB", (width + 2, height + 2), BEZEL)
    small.paste(OFF, (1, 1, width + 1, height + 1))
    put = small.putpixel
    for y in range(height):
        for x in range(width):
            if pixel(frame, x, y, width):
                put((x + 1, y + 1), ON)
    return small.resize(((width + 2) * scale, (height + 2) * scale), Image.Resampling.NEAREST)


def frame_to_png(frame, path, scale=4, width=WIDTH, height=HEIGHT):
    frame_to_image(frame, scale, width, height).save(path, format="PNG")
    return path

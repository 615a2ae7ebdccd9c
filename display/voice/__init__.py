"""Offline voice calling for the hall display.

Each call is announced as: a ding-dong chime, "请 A012 号 到 3 号窗口 办理"
twice, and optionally "Number A 0 1 2, please go to window 3". Nothing is
synthesised at run time and nothing needs the internet: the announcement is
joined together from short clips made once, at set-up.

Generating the clips
--------------------
``hallq voice build [--out var/voice] [--recorded DIR]`` (:func:`build_clips`)
runs espeak-ng and sox, both from Debian (``apt-get install espeak-ng sox``):

- Chinese clips use espeak-ng's ``cmn-latn-pinyin`` voice, given pinyin with
  tone numbers (``qing3``, ``hao4 chuang1 kou3``). The plain ``cmn`` voice is
  not used: given hanzi it falls back to English for most characters (请 comes
  out as "qing three", 一 as "yi one").
- Letters and the English phrase use espeak-ng's ``en`` voice.
- The chime is two sine tones, E5 then C5, made with sox ``synth``.
- Every clip is converted to mono 16-bit PCM WAV at 22 050 Hz, levelled to the
  same peak, and trimmed of silence at both ends; the pauses are added when an
  announcement is rendered.
- ``manifest.json`` lists every clip with its file, duration, SHA-256 and
  source. A second build with the same espeak-ng/sox versions, phrase table
  and recorded pack does nothing.

Recorded voice packs
--------------------
A recorded pack is a directory of WAV files named ``<clip name>.wav``, one for
any of the names in :data:`CLIP_NAMES`; the ones it has replace the
generated clips, the others stay generated. Any sample rate, channel count or
bit depth sox can read is fine: they are converted, levelled and trimmed like
the generated ones. Files with other names are reported and ignored. The
names (the pinyin or words to record are in :data:`CLIP_TABLE`):

=====================  ==========================================================
``chime.wav``          the ding-dong before each call
``qing.wav``           请 qǐng
``hao.wav``            号 hào (after the ticket number)
``dao.wav``            到 dào
``hao_chuangkou.wav``  号窗口 hào chuāngkǒu
``banli.wav``          办理 bànlǐ
``digit_0.wav`` …      the digits of a ticket number: 零 幺 二 三 四 五 六 七 八 九
``digit_9.wav``        (digit_1 is 幺 yāo, see below); digit_2–9 also serve in
                       window numbers
``num_1.wav``          一 yī (window 1, 11, 21…)
``num_10.wav``         十 shí (window 10, 12, 20…)
``letter_a.wav`` …     the letters A–Z by their English names
``letter_z.wav``
``en_number.wav``      "number"
``en_please_go_to_window.wav``  "please go to window"
``en_digit_0.wav`` …   "zero" … "nine"
``en_digit_9.wav``
``en_num_10.wav`` …    "ten" … "nineteen", then ``en_num_20``, ``en_num_30`` …
``en_num_90.wav``      "twenty" … "ninety"
=====================  ==========================================================

Reading numbers
---------------
- A ticket number (``^[A-Z][0-9]{3,4}$``) is read one character at a time:
  the letter by its English name, then each digit, with 1 read 幺 (yāo) as in
  phone and room numbers, because 一 (yī) and 七 (qī) are easily confused over
  a loudspeaker. A012 → "A 零幺二", A1000 → "A 幺零零零".
- A window number (1–99) is a cardinal: 3 → 三, 10 → 十, 12 → 十二, 20 → 二十,
  21 → 二十一 (一 here is ``num_1``; 2 is 二 er, never 两).
- In English the ticket digits are read one by one (0 is "zero") and the
  window as a number: "Number A 0 1 2, please go to window twelve".
- A recall is the same announcement again; deciding to replay it is the
  display's business (``display/static/voice.js``).

Rendering
---------
:func:`render_announcement` joins the clips' PCM with the stdlib ``wave``
module and keeps the last few dozen announcements in an in-memory LRU cache.
The display blueprint serves it as
``/display/voice/announce.wav?number=A012&window=3&english=0``.
"""

from display.voice.announce import render_announcement, render_phrase
from display.voice.build import build_clips
from display.voice.errors import ClipsNotReady, InvalidCall, ToolFailed, ToolMissing, VoiceError
from display.voice.phrases import (
    CLIP_NAMES,
    CLIP_TABLE,
    announcement_timeline,
    chinese_phrase,
    english_phrase,
)

__all__ = [
    "CLIP_NAMES",
    "CLIP_TABLE",
    "ClipsNotReady",
    "InvalidCall",
    "ToolFailed",
    "ToolMissing",
    "VoiceError",
    "announcement_timeline",
    "build_clips",
    "chinese_phrase",
    "english_phrase",
    "render_announcement",
    "render_phrase",
]

"""Short prose of our own with quoted dialogue, each quotation annotated with who says it.

A quotation is written `<<Name|text>>` (Name "-" for the narrator's voice: a first-person
narrator, or nobody the text names); `annotated()` gives the plain text with the book's
quotation marks and the expected speakers in order. Each text is in a style the issue
names: a two-person exchange with few tags, a first-person detective story, single quotes
with apostrophes, straight quotes, a speech over several paragraphs, quoted phrases that
are no speech, and an unnamed speaker.
"""

from __future__ import annotations

import re

QUOTE_RE = re.compile(r"<<([^|>]+)\|(.*?)>>", re.DOTALL)

MARRIED_COUPLE = """\
# Chapter One

The Hartleys had lived at the mill house for twenty years, and the miller's wife had
never once agreed with her husband about the weather.

<<Mrs. Hartley|My dear Mr. Hartley,>> said his lady to him one morning, <<Mrs. Hartley|have you heard that the Grange is sold at last?>>

Mr. Hartley replied that he had not.

<<Mrs. Hartley|But it is,>> returned she; <<Mrs. Hartley|for Mrs. Pryor was here an hour ago, and she told me everything.>>

Mr. Hartley went on reading his paper.

<<Mrs. Hartley|Do you not wish to know who has bought it?>> cried his wife at last.

<<Mr. Hartley|You wish to tell me, and I shall not stop you.>>

That was encouragement enough.

<<Mrs. Hartley|A gentleman from the city, with a carriage and four horses, and not yet thirty.>>

<<Mr. Hartley|And what is his name?>>

<<Mrs. Hartley|Fenwick.>>

<<Mr. Hartley|Is he married?>>

<<Mrs. Hartley|Oh, no, my dear! Single, and rich. Think of our girls!>>

<<Mr. Hartley|I do think of them. How does his coming concern them?>>

<<Mrs. Hartley|Mr. Hartley, how can you be so provoking!>>

<<Mr. Hartley|It is a talent, my dear. I have practised it for twenty years.>>

<<Mrs. Hartley|You will call on him, then?>>

<<Mr. Hartley|I see no reason to. He has not called on me.>>

<<Mrs. Hartley|But he cannot call on us before you have called on him!>>

<<Mr. Hartley|Then he and I are well matched,>> replied he, <<Mr. Hartley|for neither of us will move first.>>

Mrs. Hartley had no answer to that, and went to tell the girls.
"""

DETECTIVE = """\
# The Lamp Room

I had not seen Marlowe for a month when I climbed his stairs that wet November evening.
He was at the window, and he did not turn round.

<<Marlowe|You have walked from the station,>> he remarked. <<Marlowe|And you have
been ill, though you are better now.>>

<<-|How can you know that?>> I asked.

<<Marlowe|Your boots, and your collar. It is quite simple.>>

<<-|It always is, when you explain it.>>

<<Marlowe|Quite so.>> Marlowe sat down and lit his pipe. <<Marlowe|Now, read me the letter
in your pocket, for I see you have brought one.>>

I took it out and read it aloud. It was short.

<<-|The lamp at the quay has gone out three nights running,>> I said, <<-|and the keeper
swears he lit it.>>

<<Marlowe|Then the keeper is lying, or someone is putting it out,>> said Marlowe. <<Marlowe|We
shall go down tonight.>>

Inspector Gray came up the stairs while we were finding our coats.

<<Inspector Gray|You will not be needing those,>> said Inspector Gray. <<Inspector Gray|The
keeper has confessed.>>

<<Marlowe|Has he indeed?>> said my friend, and he smiled.
"""

SINGLE_QUOTES = """\
# Tea

Aunt Clara had kept the shop for forty years; the children's favourite sweets were on
the lowest shelf.

‘<<Aunt Clara|Who's there?>>’ called Aunt Clara from the back.

‘<<Tom|It's only me,>>’ said Tom. ‘<<Tom|I've come for the sugar mice.>>’

‘<<Aunt Clara|You'll spoil your supper.>>’

‘<<Tom|I won't, I promise.>>’

She laughed and gave him two.
"""

STRAIGHT_QUOTES = """\
# The Ferry

The ferryman was old, and Ruth was in a hurry.

"<<Ruth|How long to cross?>>" asked Ruth.

"<<Ferryman|An hour, if the wind holds,>>" said the ferryman. (He did not look up.)

"<<Ruth|And if it does not?>>"

"<<Ferryman|Then longer.>>"
"""

LONG_SPEECH = """\
# The Will

Mr. Crane unfolded the paper and cleared his throat.

“<<Mr. Crane|To my nephew I leave the house, the orchard and the dog, on the one
condition that he lives in the house and keeps the dog.>>

“<<Mr. Crane|To my niece I leave the books, all of them, including those she borrowed and
did not return.>>

“<<Mr. Crane|And to my lawyer, who will read this aloud, I leave my thanks and his fee,
which is more than enough.>>”

Nobody laughed.
"""

NOT_SPEECH = """\
# Notes on the Plan

The committee spoke of “<<-|a new era>>” and of “<<-|the unprecedented rhythm of
work>>”, and the papers repeated the phrase for a month. What the workers called it
was not printed.

A member of the committee leaned over and whispered to me, “<<-|Do not believe a word of
it.>>”
"""

DASHES = """\
# Morning

The kitchen was cold. Ellen had the fire going before Tom came down.

—<<Ellen|Good morning, Tom,>> said Ellen.

—<<Tom|Morning,>> he said. —<<Tom|Is the kettle on?>>

—<<Ellen|It is. Sit down before it boils over.>>

—<<Tom|I can't stop. The cart is waiting.>>

—<<Ellen|Then take the bread with you!>> she called after him.
"""

FIXTURES = {
    "married-couple": ("“", MARRIED_COUPLE),
    "detective": ("“", DETECTIVE),
    "single-quotes": ("", SINGLE_QUOTES),
    "straight-quotes": ("", STRAIGHT_QUOTES),
    "long-speech": ("", LONG_SPEECH),
    "not-speech": ("", NOT_SPEECH),
    "dashes": ("", DASHES),
}
CLOSERS = {"“": "”", "‘": "’", '"': '"'}


def annotated(name: str) -> tuple[str, list[str]]:
    """The text with quotation marks, and who says each quotation, in order."""
    opener, text = FIXTURES[name]
    speakers = [m.group(1) for m in QUOTE_RE.finditer(text)]
    if opener:  # the marks are added here; otherwise the text has its own around << >>
        text = QUOTE_RE.sub(lambda m: f"{opener}{m.group(2)}{CLOSERS[opener]}", text)
    else:
        text = QUOTE_RE.sub(lambda m: m.group(2), text)
    return text, speakers

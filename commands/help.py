"""``!aide`` / ``!help``: one line per command, or the full syntax of one command. A declared
command's syntax is written from its declaration (``commands.declare``), so that it cannot
drift from what the command reads."""

from __future__ import annotations

from commands import i18n
from commands.args import Text
from commands.core import Command, Context, Registry, UserError
from commands.declare import Arg, Declared, declaration_of
from commands.render import Rich, esc

FAMILY = "help"
HELP = Declared("aide", family=FAMILY)


def register(reg: Registry) -> None:
    HELP.register(reg)


@HELP.sub("list", path=())
def list_commands(ctx: Context) -> None:
    p = ctx.settings.prefix
    reg = ctx.registry
    text_lines = [ctx.t("help.title", prefix=p)]
    html_lines = [f"<b>{esc(text_lines[0])}</b>"]
    for family in reg.families:
        for cmd in reg.by_name.values():
            if cmd.family != family or cmd.hidden:
                continue
            summary = ctx.t(cmd.help_key, prefix=p)
            admin = " " + ctx.t("help.admin_mark") if cmd.admin_only else ""
            word = i18n.command_name(ctx.lang, cmd.name)
            text_lines.append(f"{p}{word} — {summary}{admin}")
            html_lines.append(f"<code>{esc(p + word)}</code> — {esc(summary)}{esc(admin)}")
    text_lines.append(ctx.t("help.footer", prefix=p))
    html_lines.append(esc(text_lines[-1]))
    ctx.reply(Rich("\n".join(text_lines), "<br/>\n".join(html_lines)))


@HELP.sub("command", Arg("word", Text(), shown="command"), path=())
def command_help(ctx: Context, word: str) -> None:
    p = ctx.settings.prefix
    reg = ctx.registry
    word = word.lstrip(p).split(" ")[0]
    cmd = reg.find(word) if word else None
    if cmd is None:
        hint = reg.suggest(word)
        if hint:
            raise UserError("core.unknown_command_hint", word=word, hint=hint, prefix=p)
        raise UserError("core.unknown_command", word=word, prefix=p)
    text = full_help(cmd, ctx.lang, p)
    aliases = ", ".join(f"{p}{a}" for a in i18n.other_words(ctx.lang, cmd.name) if a != "?")
    if aliases:
        text += "\n" + ctx.t("help.aliases", aliases=aliases)
    html = esc(text).replace("\n", "<br/>\n")
    ctx.reply(Rich(text, html))


def full_help(cmd: Command, lang: str, prefix: str) -> str:
    """What ``!aide <commande>`` says of ``cmd`` (without its other words)."""
    declared = declaration_of(cmd)
    if declared is not None:
        return declared.help_text(lang, prefix)
    key = cmd.help_full_key if i18n.has(lang, cmd.help_full_key) else cmd.help_key
    return i18n.t(lang, key, prefix=prefix)

"""``!aide`` / ``!help``: one line per command, or the full syntax of one command."""

from __future__ import annotations

from commands import i18n
from commands.core import Context, Registry, UserError
from commands.render import Rich, esc

FAMILY = "help"


def register(reg: Registry) -> None:
    @reg.command("aide", family=FAMILY, aliases=("help", "?", "commandes", "commands"))
    def help_command(ctx: Context, args: str) -> None:
        p = ctx.settings.prefix
        word = args.strip().lstrip(p).split(" ")[0] if args.strip() else ""
        if word:
            cmd = reg.find(word)
            if cmd is None:
                hint = reg.suggest(word)
                if hint:
                    raise UserError("core.unknown_command_hint", word=word, hint=hint, prefix=p)
                raise UserError("core.unknown_command", word=word, prefix=p)
            key = cmd.help_full_key if i18n.has(ctx.lang, cmd.help_full_key) else cmd.help_key
            text = ctx.t(key, prefix=p)
            aliases = ", ".join(f"{p}{a}" for a in cmd.aliases if a != "?")
            if aliases:
                text += "\n" + ctx.t("help.aliases", aliases=aliases)
            html = esc(text).replace("\n", "<br/>\n")
            ctx.reply(Rich(text, html))
            return
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

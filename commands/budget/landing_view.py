"""``!budget KPA atterrissage``: the landing options side by side, and the subcommand's words."""

from __future__ import annotations

from commands import budget
from commands.budget import common, envelopes, landing, vote_open, vote_rules
from commands.core import Context, UserError
from commands.grammar import fold
from commands.landing import (
    Option,
    options,
)
from commands.render import Rich, lines, table
from storage.models import BudgetEnvelope, Project


def landing_command(ctx: Context, project: Project, tokens: list[str]) -> None:

    p = ctx.settings.prefix
    base_bp, floor, tokens, named = landing._take_params(ctx, project, tokens)
    folded = [fold(t) for t in tokens]
    at = next((i for i, w in enumerate(folded) if w in vote_rules.VOTE_WORDS), None)
    if at is not None:  # ``… atterrissage vote jusqu'au 15/12`` (what follows is the vote's)
        tokens, voting = tokens[:at], tokens[at + 1 :]
        if any(w in landing.APPLY_WORDS for w in folded[:at]):
            raise UserError("budget.landing.error.which", project=project.code, prefix=p)
        period, others = common._take_period(ctx, tokens)
        if others:
            raise UserError(
                "budget.landing.error.usage", token=others[0], project=project.code, prefix=p
            )
        env = envelopes.pick_envelope(ctx, project, period, open_only=True)
        if env.mode != budget.LIBRE:
            raise UserError("budget.error.libre_only", project=project.code, prefix=p)
        vote_open.vote_command(ctx, env, project, voting, base_bp, floor)
        return
    words = [fold(w) for w in tokens]
    applying = next((w for w in words if w in landing.APPLY_WORDS), None)
    chosen: str | None = None
    if applying is not None:
        rest = [t for t, w in zip(tokens, words, strict=True) if w != applying]
        picked = [w for w in (fold(t).lstrip("#") for t in rest) if w in landing.OPTION_WORDS]
        if len(picked) == 1:
            chosen = landing.OPTION_WORDS[picked[0]]
            tokens = [t for t in rest if fold(t).lstrip("#") != picked[0]]
        elif not picked and len(named) == 1:  # ``appliquer base 40%``
            chosen, tokens = named[0], rest
        else:
            raise UserError("budget.landing.error.which", project=project.code, prefix=p)
    period, others = common._take_period(ctx, tokens)
    if others:
        raise UserError(
            "budget.landing.error.usage", token=others[0], project=project.code, prefix=p
        )
    env = envelopes.pick_envelope(ctx, project, period, open_only=True)
    if applying is not None:
        common.require_owner_or_admin(ctx, "atterrissage appliquer", env)
    if env.mode != budget.LIBRE:
        raise UserError("budget.error.libre_only", project=project.code, prefix=p)
    if not named and chosen is None:  # the options of a running vote, as it will count them
        vote = vote_rules.latest_vote(ctx.db, env)
        if vote is not None and vote.state == vote_rules.OPEN:
            base_bp, floor = vote.base_bp, vote.floor
    choices = {o.name: o for o in options(base_bp, floor)}
    if chosen is not None:
        landing.apply(ctx, env, choices[chosen])
        return
    ctx.reply(show(ctx, env, project, list(choices.values())))


def show(ctx: Context, env: BudgetEnvelope, project: Project, shown: list[Option]) -> Rich:
    """The validated requests and what each option gives them, side by side."""
    p = ctx.settings.prefix
    validated = landing._validated(ctx, env)
    asked = sum(r.amount for r in validated.values())
    head = ctx.t(
        "budget.landing.title",
        envelope=common._label(ctx, env),
        amount=ctx.money(env.amount),
        asked=ctx.money(asked),
        count=len(validated),
    )

    if asked <= env.amount:
        return lines(
            head,
            ctx.t(
                "budget.landing.fits",
                asked=ctx.money(asked),
                amount=ctx.money(env.amount),
                project=project.code,
                prefix=p,
            ),
            *vote_open.status_lines(ctx, env, project.code),
        )
    landed = [landing._land(o, env, validated) for o in shown]
    ctx.names(r.user_id for r in validated.values())
    rows = []
    for rid, req in validated.items():
        revised = req.revised if req.revised is not None and req.revised < req.amount else None
        rows.append(
            [
                f"#{req.number}",
                ctx.name(req.user_id),
                ctx.money(req.amount),
                ctx.money(revised) if revised is not None else "",
                *(ctx.money(shares[rid]) for shares in landed),
            ]
        )
    revised_total = sum(
        r.revised if r.revised is not None and r.revised < r.amount else r.amount
        for r in validated.values()
    )
    rows.append(
        [
            "",
            ctx.t("budget.landing.total"),
            ctx.money(asked),
            ctx.money(revised_total),
            *(ctx.money(sum(s.values())) for s in landed),
        ]
    )
    headers = [
        "#",
        ctx.t("budget.col.person"),
        ctx.t("budget.col.asked"),
        ctx.t("budget.landing.col.revised"),
        *(f"{o.number}. {ctx.t(f'budget.landing.col.{o.name}')}" for o in shown),
    ]
    legend = [f"{o.number}. {landing.option_label(ctx, o)}" for o in shown]
    parts: list[Rich | str] = [
        head,
        table(headers, rows, align="llrr" + "r" * len(shown)),
        ctx.t("budget.landing.legend", options=" · ".join(legend)),
    ]
    parts.extend(vote_open.status_lines(ctx, env, project.code))
    if env.landing is not None:
        applied = Option.parse(env.landing)
        parts.append(
            ctx.t(
                "budget.landing.current",
                number=applied.number,
                option=landing.option_label(ctx, applied),
            )
        )
    parts.append(ctx.t("budget.landing.hint", project=project.code, prefix=p))
    return lines(*parts)

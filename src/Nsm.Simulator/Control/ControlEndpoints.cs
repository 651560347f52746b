namespace Nsm.Simulator.Control;

/// <summary>
/// The control surface's routes: read the simulator's state and inject faults over HTTP. Unknown names
/// answer 404, bad input 400, a fault that cannot apply (e.g. an NSE already dead) 409.
/// </summary>
internal static class ControlEndpoints
{
    public static void Map(IEndpointRouteBuilder routes, NsmSimulator simulator)
    {
        var faults = simulator.Faults;

        routes.MapGet("/topology", () => Results.Ok(ControlSnapshots.Topology(simulator)));
        routes.MapGet("/stats", () => Results.Ok(ControlSnapshots.Stats(simulator)));
        routes.MapGet("/records", (string? connectionId, string? endpoint) => Results.Ok(new RecordsView(
            simulator.Records.Requests(connectionId, endpoint),
            simulator.Records.Closes(connectionId, endpoint),
            simulator.Records.Duplicates(connectionId))));
        routes.MapGet("/dataplane/{connectionId}", (string connectionId) =>
            simulator.Simulation.DataPlaneUp(connectionId) is { } up
                ? Results.Ok(new DataPlaneView(connectionId, up))
                : Results.NotFound(new ControlError($"connection '{connectionId}' is not wired")));

        var nsmgrs = routes.MapGroup("/faults/nsmgrs/{name}");
        nsmgrs.MapPost("/restart", (string name, string? downtimeMs) => Guard(() =>
        {
            var downtime = TimeSpan.FromMilliseconds(QueryValue.RequiredNonNegativeInt(nameof(downtimeMs), downtimeMs));
            // The comeback happens on its own; the caller polls /topology or health to see it.
            _ = faults.RestartNsmgrAsync(name, downtime);
            return Results.Accepted(value: new ControlAck($"{name} restarting, back after {downtime.TotalMilliseconds} ms"));
        }));
        nsmgrs.MapPost("/stop", (string name) => Guard(() =>
        {
            faults.StopNsmgr(name);
            return Results.Ok(new ControlAck($"{name} stopped"));
        }));
        nsmgrs.MapPost("/start", (string name) => Guard(() =>
        {
            faults.StartNsmgr(name);
            return Results.Ok(new ControlAck($"{name} started"));
        }));
        nsmgrs.MapPost("/drop-events", (string name, string? count) => Guard(() =>
        {
            var events = QueryValue.RequiredNonNegativeInt(nameof(count), count);
            faults.DropNextMonitorEvents(name, events);
            return Results.Ok(new ControlAck($"{name} drops its next {events} monitor events"));
        }));

        routes.MapPost("/faults/forwarders/{name}/kill", (string name) => Guard(() =>
        {
            faults.KillForwarder(name);
            return Results.Ok(new ControlAck($"forwarder {name} killed"));
        }));
        routes.MapPost("/faults/forwarders/{name}/restart", (string name) => Guard(() =>
        {
            faults.RestartForwarder(name);
            return Results.Ok(new ControlAck($"forwarder {name} restarted"));
        }));
        routes.MapPost("/faults/nses/{name}/kill", (string name, string? replacement) => Guard(() =>
        {
            if (replacement is { Length: 0 })
            {
                throw new ArgumentException("query parameter 'replacement' must not be empty when given");
            }

            faults.KillNse(name, replacement);
            return Results.Ok(new ControlAck(replacement is null ? $"nse {name} killed" : $"nse {name} killed, replaced by {replacement}"));
        }));
        routes.MapPost("/faults/connections/{connectionId}/break-dataplane", (string connectionId) => Guard(() =>
        {
            faults.BreakDataPlane(connectionId);
            return Results.Ok(new ControlAck($"data plane of {connectionId} broken"));
        }));
        routes.MapPost("/faults/latency", (string? ms, string? nsmgr) => Guard(() =>
        {
            var latency = TimeSpan.FromMilliseconds(QueryValue.RequiredNonNegativeInt(nameof(ms), ms));
            faults.SetRequestLatency(latency, nsmgr);
            return Results.Ok(new ControlAck($"request latency {latency.TotalMilliseconds} ms at {nsmgr ?? "every nsmgr"}"));
        }));
        routes.MapPost("/faults/failure-rate", (string? p, string? seed, string? nsmgr) => Guard(() =>
        {
            var probability = QueryValue.RequiredProbability(nameof(p), p);
            faults.SetRequestFailureProbability(probability, QueryValue.OptionalInt(nameof(seed), seed), nsmgr);
            return Results.Ok(new ControlAck($"request failure probability {probability} at {nsmgr ?? "every nsmgr"}"));
        }));
    }

    private static IResult Guard(Func<IResult> apply)
    {
        try
        {
            return apply();
        }
        catch (KeyNotFoundException e)
        {
            return Results.NotFound(new ControlError(e.Message));
        }
        catch (ArgumentException e)
        {
            return Results.BadRequest(new ControlError(e.Message));
        }
        catch (InvalidOperationException e)
        {
            return Results.Conflict(new ControlError(e.Message));
        }
    }
}

using Nsm.Api;

namespace Nsm.Healing.Nsmgr;

/// <summary>An NSMgr's answer to a Request, and how much longer the token sent with it is valid (null: none was sent).</summary>
/// <remarks>A remaining time rather than an instant: tokens are signed on the wall clock, connections run on theirs.</remarks>
public sealed record NsmgrAnswer(Connection Connection, TimeSpan? TokenValidFor);

using System.Globalization;
using System.IO;

namespace Nsm.Healing.Cli.Demo;

/// <summary>
/// What the demo shows while it runs: connections by phase and heal events as they happen. On a terminal the view
/// is redrawn in place under the narration; otherwise (CI, a pipe) every change is one plain, timestamped line.
/// </summary>
public sealed class LiveView(TextWriter output, int? terminalWidth)
{
    private const int EventLines = 8;

    private readonly Lock _gate = new();
    private readonly Queue<string> _recent = new();
    private string _phases = "";
    private int _drawnLines;

    private bool Terminal => terminalWidth is not null;

    /// <summary>A narration line (scenario start, result), kept above the live block.</summary>
    public void Note(string line)
    {
        lock (_gate)
        {
            Erase();
            output.WriteLine(line);
            Draw();
        }
    }

    public void Update(IReadOnlyDictionary<string, ConnectionSnapshot> latest, IReadOnlyList<string> changes)
    {
        var phases = "connections: " + string.Join("  ", latest.Values
            .GroupBy(snapshot => snapshot.Phase)
            .OrderBy(group => group.Key)
            .Select(group => $"{group.Key} {group.Count()}"));
        lock (_gate)
        {
            if (!Terminal)
            {
                foreach (var change in changes)
                {
                    output.WriteLine($"{Now()}  {change}");
                }

                if (phases != _phases)
                {
                    output.WriteLine($"{Now()}  {phases}");
                }

                _phases = phases;
                return;
            }

            _phases = phases;
            foreach (var change in changes)
            {
                _recent.Enqueue($"{Now()}  {change}");
                while (_recent.Count > EventLines)
                {
                    _recent.Dequeue();
                }
            }

            Erase();
            Draw();
        }
    }

    /// <summary>Removes the live block for good, before the summary.</summary>
    public void Close()
    {
        lock (_gate)
        {
            Erase();
            _recent.Clear();
            _phases = "";
        }
    }

    private void Draw()
    {
        if (!Terminal || _phases.Length == 0)
        {
            return;
        }

        var lines = new List<string> { new('-', 72), _phases };
        lines.AddRange(_recent);
        foreach (var line in lines)
        {
            // A wrapped line would take two rows, and the next redraw would erase one too few.
            output.WriteLine(line.Length < terminalWidth ? line : line[..(terminalWidth!.Value - 1)]);
        }

        _drawnLines = lines.Count;
        output.Flush();
    }

    private void Erase()
    {
        if (Terminal && _drawnLines > 0)
        {
            // Cursor up to the block's first line, then clear to the end of the screen.
            output.Write($"\u001b[{_drawnLines}F\u001b[J");
            _drawnLines = 0;
        }
    }

    private static string Now() => DateTimeOffset.Now.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);
}

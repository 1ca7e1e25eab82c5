namespace GameLoop;

/// <summary>
/// Draws the world. In a terminal it redraws in place (ANSI cursor movement); when the output is redirected, it prints
/// every tenth frame instead, so logs stay short and readable.
/// </summary>
internal sealed class Renderer
{
    private const int RedirectedEvery = 10;

    private readonly bool _inPlace = !Console.IsOutputRedirected;
    private bool _drewBefore;

    public void Draw(World world, long frame, bool last)
    {
        if (!_inPlace && frame % RedirectedEvery != 0 && !last)
        {
            return;
        }

        var picture = world.Draw(frame);
        if (_inPlace && _drewBefore)
        {
            Console.Write($"\u001b[{World.Rows + 2}A\r"); // back up over the previous picture
        }

        Console.WriteLine(picture);
        _drewBefore = true;
    }
}

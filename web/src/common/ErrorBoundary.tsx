import { Component, type ErrorInfo, type ReactNode } from 'react';
import { errorMessage } from '../api/client';

interface Props {
  children: ReactNode;
  /** Where the failure happened, for the heading ("this page", "the console"). */
  scope?: string;
}

interface State {
  error: unknown;
}

/** Catches rendering errors so one broken screen never blanks the whole console. */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error('Mydrop console error', error, info.componentStack);
  }

  private readonly retry = () => this.setState({ error: null });

  override render() {
    if (this.state.error === null) return this.props.children;
    return (
      <div className="error-panel" role="alert">
        <h2>Something went wrong in {this.props.scope ?? 'the console'}</h2>
        <p>{errorMessage(this.state.error)}</p>
        <div className="button-row">
          <button type="button" className="button" onClick={this.retry}>
            Try again
          </button>
          <button
            type="button"
            className="button button-quiet"
            onClick={() => window.location.reload()}
          >
            Reload the page
          </button>
        </div>
      </div>
    );
  }
}
